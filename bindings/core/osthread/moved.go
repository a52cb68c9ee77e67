//go:build linux

package osthread

import (
	"os"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// moved maps the id of each thread whose namespaces this package changed
// to the CLONE_NEW* types it changed (rule 14). A change is recorded
// before the syscall that makes it, since a failed call may have done part
// of its work; it is cleared only when the thread is back. A thread id
// reused by a new thread is cleared when Go starts on it.
var moved sync.Map // int → int

// Moved reports whether the calling thread's namespaces differ, or may
// differ, from the process's. A thread that never went through Unshare,
// Setns, With, Visit or a Worker job is where the process is.
func Moved() bool {
	_, ok := moved.Load(unix.Gettid())
	return ok
}

// MovedIn reports whether the calling thread's namespaces of any of the
// CLONE_NEW* types in flags differ, or may differ, from the process's.
func MovedIn(flags int) bool { return movedTypes()&flags != 0 }

// movedTypes returns the CLONE_NEW* types the calling thread changed.
func movedTypes() int {
	v, ok := moved.Load(unix.Gettid())
	if !ok {
		return 0
	}
	return v.(int)
}

// mark records that the calling thread is about to change the types in
// flags (0: unknown, recorded as every type).
func mark(flags int) {
	if flags == 0 {
		flags = allTypes
	}
	setMoved(movedTypes() | flags)
}

// setMoved replaces the calling thread's record; 0 removes it.
func setMoved(flags int) {
	if flags == 0 {
		moved.Delete(unix.Gettid())
		return
	}
	moved.Store(unix.Gettid(), flags)
}

// clean forgets whatever was recorded for the calling thread's id: a
// thread a goroutine can newly land on is in the process's namespaces.
func clean() { moved.Delete(unix.Gettid()) }

const allTypes = unix.CLONE_NEWCGROUP | unix.CLONE_NEWIPC | unix.CLONE_NEWNS | unix.CLONE_NEWNET |
	unix.CLONE_NEWPID | unix.CLONE_NEWTIME | unix.CLONE_NEWUSER | unix.CLONE_NEWUTS

// typeNames are the /proc/…/ns link names of the CLONE_NEW* types.
var typeNames = []struct {
	flag int
	name string
}{
	{unix.CLONE_NEWCGROUP, "cgroup"}, {unix.CLONE_NEWIPC, "ipc"}, {unix.CLONE_NEWNS, "mnt"},
	{unix.CLONE_NEWNET, "net"}, {unix.CLONE_NEWPID, "pid"}, {unix.CLONE_NEWTIME, "time"},
	{unix.CLONE_NEWUSER, "user"}, {unix.CLONE_NEWUTS, "uts"},
}

// Changed lists the calling thread's namespaces that differ from the
// process's (its main thread's, which never move, rule 1), as
// "net:4026532283", in type order; nil when the thread has not moved. It
// looks at /proc only for a thread the registry holds.
func Changed() []string {
	if !Moved() {
		return nil
	}
	main := "/proc/self/task/" + strconv.Itoa(unix.Getpid()) + "/ns/"
	var out []string
	for _, t := range typeNames {
		now, err := os.Readlink("/proc/thread-self/ns/" + t.name)
		if err != nil {
			continue
		}
		if start, _ := os.Readlink(main + t.name); start != now {
			out = append(out, strings.NewReplacer("[", "", "]", "").Replace(now))
		}
	}
	return out
}

// flagNames spells flags as "net+uts", for messages.
func flagNames(flags int) string {
	var names []string
	for _, t := range typeNames {
		if flags&t.flag != 0 {
			names = append(names, t.name)
		}
	}
	return strings.Join(names, "+")
}
