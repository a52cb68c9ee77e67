//go:build linux

package spawn

import (
	"fmt"
	"sync"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"golang.org/x/sys/unix"
)

// The functions in this file act on the calling OS thread through package
// osthread, the only one that changes a thread's namespaces: the caller's
// goroutine must be locked (osthread.Go, or the VM thread) and, once the
// thread's namespaces changed, is never unlocked (osthread rule 2).

// ErrUserThread is returned for a user namespace asked of a thread
// (osthread rule 6).
var ErrUserThread = osthread.ErrUserThread

// ErrTimeThread is returned for joining an existing time namespace
// (osthread rule 6).
var ErrTimeThread = osthread.ErrTimeThread

// threadTypes are the types a thread can be in apart from its process:
// pid and time as the …_for_children links.
var threadTypes = []nsfs.Type{nsfs.Cgroup, nsfs.IPC, nsfs.Mnt, nsfs.Net, nsfs.PID, nsfs.Time, nsfs.UTS}

// nsLink is the link of type t under dir ("self", "thread-self", a pid)
// in /proc: pid and time as the …_for_children links.
func nsLink(dir string, t nsfs.Type) string {
	if t == nsfs.PID || t == nsfs.Time {
		return dir + "/ns/" + string(t) + "_for_children"
	}
	return dir + "/ns/" + string(t)
}

// ThreadSet is the calling thread's namespaces where they differ from the
// process's (its main thread's).
type ThreadSet struct {
	// NS holds one handle per differing type.
	NS []*nsfs.Handle
	// Pending says the thread unshared pid or time and no process is in
	// that namespace yet: it cannot be opened, so a child that should
	// start in it must be started from this thread (Spec.Here).
	Pending bool
}

// procNS holds the process's own namespaces (its main thread's, which
// never change, osthread rule 1), read once.
var procNS = sync.OnceValue(func() map[nsfs.Type]unix.Stat_t {
	out := map[nsfs.Type]unix.Stat_t{}
	for _, t := range threadTypes {
		var st unix.Stat_t
		if procStat(nsLink("self", t), &st) == nil {
			out[t] = st
		}
	}
	return out
})

// CurrentSet opens the calling thread's set. Close it when done.
func CurrentSet() (*ThreadSet, error) {
	s := &ThreadSet{}
	if !osthread.Moved() { // osthread rule 14: then it is where the process is
		return s, nil
	}
	proc := procNS()
	for _, t := range threadTypes {
		var mine unix.Stat_t
		if err := procStat(nsLink("thread-self", t), &mine); err != nil {
			if (t == nsfs.PID || t == nsfs.Time) && procStat("thread-self/ns/"+string(t), &mine) == nil {
				s.Pending = true // unshared, no process inside yet
			}
			continue
		}
		if p, ok := proc[t]; ok && mine.Ino == p.Ino && mine.Dev == p.Dev {
			continue
		}
		h, err := procOpenNS(nsLink("thread-self", t))
		if err != nil {
			s.Close()
			return nil, err
		}
		s.NS = append(s.NS, h)
	}
	return s, nil
}

// Close releases the handles.
func (s *ThreadSet) Close() error {
	for _, h := range s.NS {
		h.Close()
	}
	return nil
}

// Unshare moves the calling thread into new namespaces of the given types,
// like unshare(2): net, uts, ipc, cgroup and mnt at once, pid and time for
// the children it starts next. A new mount namespace gets propagation
// ("" = "private", as unshare(1) does) applied recursively to /. user is
// refused (ErrUserThread).
func Unshare(types []nsfs.Type, propagation string) error {
	flags := 0
	for _, t := range types {
		if t == nsfs.User {
			return fmt.Errorf("unshare user: %w", ErrUserThread)
		}
		flags |= t.Flag()
	}
	warmClean() // before this thread's pid_for_children may change
	prop := propagationFlag(propagation)
	if prop == 0 && propagation != "unchanged" {
		return badSpec("propagation %q: must be one of private, slave, shared, unchanged", propagation)
	}
	return unshareThread(flags, prop, "", nil)
}

// unshareThread unshares flags on the calling thread, then sets the mount
// propagation, the hostname and the time offsets the new namespaces need.
func unshareThread(flags int, prop uintptr, hostname string, off *TimeOffsets) error {
	if flags == 0 {
		return nil
	}
	if err := osthread.Unshare(flags); err != nil { // a private fs with mnt, osthread rule 5
		return err
	}
	if flags&unix.CLONE_NEWNS != 0 && prop != 0 {
		if err := unix.Mount("none", "/", "", prop|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("make / %s: %w", propName(prop), err)
		}
	}
	if hostname != "" {
		if err := unix.Sethostname([]byte(hostname)); err != nil {
			return fmt.Errorf("sethostname %q: %w", hostname, err)
		}
	}
	if flags&unix.CLONE_NEWTIME != 0 && off != nil {
		return writeOffsets(fmt.Sprintf("%d/timens_offsets", unix.Gettid()), off)
	}
	return nil
}

func writeOffsets(path string, off *TimeOffsets) error {
	line := func(clock int, d int64) string {
		return fmt.Sprintf("%d %d %d\n", clock, d/1e9, d%1e9)
	}
	text := line(unix.CLOCK_MONOTONIC, int64(off.Monotonic)) + line(unix.CLOCK_BOOTTIME, int64(off.Boottime))
	if err := procWrite(path, []byte(text)); err != nil {
		return fmt.Errorf("write time offsets: %w", err)
	}
	return nil
}

// Setns moves the calling thread into the namespaces hs, in nsenter's
// order, like setns(2). mnt gets a private root and cwd first (osthread
// rule 5). user and time are refused (ErrUserThread, ErrTimeThread).
func Setns(hs []*nsfs.Handle) error {
	for _, h := range hs {
		switch h.Type() {
		case nsfs.User:
			return fmt.Errorf("setns %s: %w", h, ErrUserThread)
		case nsfs.Time:
			return fmt.Errorf("setns %s: %w", h, ErrTimeThread)
		}
	}
	return enterThread(hs)
}

func enterThread(hs []*nsfs.Handle) error {
	sorted := append([]*nsfs.Handle{}, hs...)
	sortJoins(sorted)
	for _, h := range sorted {
		if h.Closed() {
			return fmt.Errorf("setns: %w", nsfs.ErrClosed)
		}
		if err := osthread.Setns(h.Fd(), h.Type().Flag()); err != nil {
			return fmt.Errorf("setns %s: %w", h, err)
		}
	}
	return nil
}

// With runs fn on a fresh locked thread whose thread first takes on the
// caller's working directory and the set base (the caller's CurrentSet)
// and then enters target, and waits for it (osthread.With). The thread
// dies afterwards, so no other goroutine ever runs in those namespaces
// (osthread rule 4). Errors entering the namespaces are returned without
// calling fn; a panic in fn is re-raised in the caller.
func With(base *ThreadSet, target []*nsfs.Handle, fn func()) error {
	for _, h := range target {
		if h.Type() == nsfs.User {
			return fmt.Errorf("setns %s: %w", h, ErrUserThread)
		}
		if h.Type() == nsfs.Time {
			return fmt.Errorf("setns %s: %w", h, ErrTimeThread)
		}
	}
	if err := roomFor(1, "start a thread"); err != nil {
		return err
	}
	return osthread.With(func() error { return takeOn(base, target) }, fn)
}

// takeOn enters the set base, less the types target replaces, and target.
func takeOn(base *ThreadSet, target []*nsfs.Handle) error {
	var hs []*nsfs.Handle
	if base != nil {
		inTarget := map[nsfs.Type]bool{}
		for _, h := range target {
			inTarget[h.Type()] = true
		}
		for _, h := range base.NS {
			if !inTarget[h.Type()] && h.Type() != nsfs.Time {
				hs = append(hs, h)
			}
		}
	}
	hs = append(hs, target...)
	for _, h := range hs {
		if h.Type() == nsfs.Time {
			return fmt.Errorf("setns %s: %w", h, ErrTimeThread)
		}
	}
	return enterThread(hs)
}

func propName(prop uintptr) string {
	switch prop {
	case unix.MS_PRIVATE:
		return "private"
	case unix.MS_SLAVE:
		return "slave"
	case unix.MS_SHARED:
		return "shared"
	}
	return "unchanged"
}
