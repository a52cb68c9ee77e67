//go:build linux

package netns

import (
	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"golang.org/x/sys/unix"
)

// startThrowaway starts fn on a locked OS thread that is not the main
// thread, without waiting for it, and lets that thread die with whatever
// namespace fn moved it into (osthread rules 1 and 2): fn reports back on
// its own.
func startThrowaway(fn func()) { osthread.Go(fn) }

// Origin names the mount namespace of one thread of this process, so that
// helper threads can do their mount work in it: /run/netns is whatever the
// caller's mount namespace shows there, and a thread started by Go is in
// the process's mount namespace, not necessarily the caller's.
type Origin struct {
	tid int
	mnt unix.Stat_t
}

// Here returns the calling thread's Origin. The caller keeps its goroutine
// locked to its thread until the helpers are done.
func Here() (Origin, error) {
	var o Origin
	if err := unix.Stat("/proc/thread-self/ns/mnt", &o.mnt); err != nil {
		return o, step("stat mount namespace", err)
	}
	o.tid = unix.Gettid()
	return o, nil
}

// Join moves the calling thread, a throwaway one from osthread.Go, into
// the origin's mount namespace, unless it is there already.
func (o Origin) Join() error { return joinMountNS(o.tid, o.mnt) }
