//go:build linux

package nsfs

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// The extra links of /proc/PID/ns naming the namespaces a process's future
// children will be in.
const (
	PIDForChildren  = "pid_for_children"
	TimeForChildren = "time_for_children"
)

// nsDir returns the ns directory of pid; 0 means the calling thread.
func nsDir(pid int) string {
	if pid == 0 {
		return "/proc/thread-self/ns"
	}
	return fmt.Sprintf("/proc/%d/ns", pid)
}

// OpenAll opens every namespace of process pid (0: the calling thread),
// keyed by type name. It adds "pid_for_children" and "time_for_children"
// when they differ from the process's own pid and time namespaces (after
// unshare(2) of those types, until a child is made). A type the kernel
// lacks is left out. On error nothing stays open.
func OpenAll(pid int) (map[string]*Handle, error) {
	dir := nsDir(pid)
	out := map[string]*Handle{}
	fail := func(err error) (map[string]*Handle, error) {
		for _, h := range out {
			h.Close()
		}
		if pid != 0 && errors.Is(err, unix.ENOENT) {
			err = fmt.Errorf("pid %d: %w", pid, unix.ESRCH)
		}
		return nil, err
	}
	for _, t := range Types {
		h, err := Open(dir + "/" + string(t))
		if errors.Is(err, unix.ENOENT) && pid != 0 && processExists(pid) {
			continue // a namespace type this kernel does not have
		}
		if err != nil {
			return fail(err)
		}
		out[string(t)] = h
	}
	for name, own := range map[string]Type{PIDForChildren: PID, TimeForChildren: Time} {
		h, err := Open(dir + "/" + name)
		if err != nil {
			continue // none yet (a pid namespace whose init has not been made) or no such link
		}
		if o, ok := out[string(own)]; ok && o.Same(h) {
			h.Close()
			continue
		}
		out[name] = h
	}
	return out, nil
}

func processExists(pid int) bool {
	return unix.Access(fmt.Sprintf("/proc/%d/stat", pid), unix.F_OK) == nil
}
