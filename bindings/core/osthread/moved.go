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
func Moved() bool { return typesOf(unix.Gettid()) != 0 }

// MovedIn reports whether the calling thread's namespaces of any of the
// CLONE_NEW* types in flags differ, or may differ, from the process's.
func MovedIn(flags int) bool { return typesOf(unix.Gettid())&flags != 0 }

// typesOf returns the CLONE_NEW* types thread tid changed. The functions
// of the registry take the thread id, which costs a syscall to learn.
func typesOf(tid int) int {
	v, ok := moved.Load(tid)
	if !ok {
		return 0
	}
	return v.(int)
}

// mark records that thread tid is about to change the types in flags (0:
// unknown, recorded as every type).
func mark(tid, flags int) {
	if flags == 0 {
		flags = allTypes
	}
	setTypes(tid, typesOf(tid)|flags)
}

// setTypes replaces thread tid's record; 0 removes it.
func setTypes(tid, flags int) {
	if flags == 0 {
		moved.Delete(tid)
		return
	}
	moved.Store(tid, flags)
}

// clean forgets whatever was recorded for thread id tid: a thread a
// goroutine can newly land on is in the process's namespaces.
func clean(tid int) { moved.Delete(tid) }

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
	main := "/proc/self/task/" + strconv.Itoa(pid) + "/ns/"
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
