//go:build linux

package netconf

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// DelNetns deletes one recorded namespace, if it still is the one
// recorded, and forgets it: what a lab that converges to a spec without
// that node does. The ledger on disk is rewritten.
func (l *Ledger) DelNetns(name string) error {
	if l.done {
		return fmt.Errorf("netns del: %s: the lab is torn down: %w", name, unix.EINVAL)
	}
	for i, n := range l.names {
		if n != name {
			continue
		}
		if h := l.handles[i]; h != nil {
			h.Close() // and the connection cached on it
			l.handles[i] = nil
		}
		if err := delRecorded(name, l.ids[i]); err != nil {
			return err
		}
		l.names = append(l.names[:i], l.names[i+1:]...)
		l.handles = append(l.handles[:i], l.handles[i+1:]...)
		l.ids = append(l.ids[:i], l.ids[i+1:]...)
		return l.save()
	}
	return fmt.Errorf("netns del: %s: not in the lab's ledger: %w", name, unix.ENOENT)
}
