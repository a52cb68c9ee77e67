package spawn

import (
	"errors"
	"syscall"
)

// limitHints say what to do about the errors that mean a resource limit
// was reached.
var limitHints = map[syscall.Errno]string{
	syscall.EMFILE: "close handles with h:close() or raise ulimit -n",
	syscall.ENFILE: "the system's open file table is full (fs.file-max): close handles with h:close()",
	syscall.EAGAIN: "a process or thread limit may be reached: end children with p:kill() or raise ulimit -u",
	syscall.ENOMEM: "out of memory, or a kernel limit on pids or namespaces is reached",
}

// LimitHint returns what to do about err when it carries EMFILE, ENFILE,
// EAGAIN or ENOMEM (a resource limit reached), else "".
func LimitHint(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return limitHints[errno]
	}
	return ""
}
