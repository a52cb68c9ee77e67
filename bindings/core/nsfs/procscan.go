//go:build linux

package nsfs

import (
	"bytes"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// procScanner walks /proc with raw, allocation-free system calls: one
// getdents per directory and one readlinkat per namespace link, relative to
// directory descriptors, so the cost per task is the eight readlinks and
// little else. Readlink is cheaper than stat on these links: the kernel
// formats "net:[4026531833]" without making a dentry for the namespace.
// The calls are made with RawSyscall: procfs answers them without
// sleeping, and going through the scheduler's syscall hand-off for each of
// thousands of microsecond calls cost more than the calls themselves.
type procScanner struct {
	proc   int    // /proc, O_DIRECTORY
	dents  []byte // getdents buffer
	path   []byte // NUL-terminated relative path being built
	link   []byte // readlink buffer
	types  []Type
	tids   []int
	fdNums []int
}

func newProcScanner(types []Type) (*procScanner, error) {
	fd, err := unix.Open("/proc", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	return &procScanner{
		proc:  fd,
		dents: make([]byte, 32<<10),
		path:  make([]byte, 0, 64),
		link:  make([]byte, 256),
		types: types,
	}, nil
}

func (s *procScanner) close() { unix.Close(s.proc) }

func rawClose(fd int) { unix.RawSyscall(unix.SYS_CLOSE, uintptr(fd), 0, 0) }

// sibling returns a scanner with its own buffers that shares s's /proc
// descriptor, for another goroutine; only s is closed.
func (s *procScanner) sibling() *procScanner {
	return &procScanner{
		proc:  s.proc,
		dents: make([]byte, len(s.dents)),
		path:  make([]byte, 0, 64),
		link:  make([]byte, len(s.link)),
		types: s.types,
	}
}

// numbers reads the numeric names of directory fd, ascending as /proc
// lists them, appending to out.
func (s *procScanner) numbers(fd int, out []int) []int {
	for {
		r, _, errno := unix.RawSyscall(unix.SYS_GETDENTS64, uintptr(fd), uintptr(unsafe.Pointer(&s.dents[0])), uintptr(len(s.dents)))
		n := int(r)
		if errno == unix.EINTR {
			continue
		}
		// getdents may return short (a signal is pending, and the Go
		// runtime sends them): only an empty read is the end.
		if errno != 0 || n <= 0 {
			return out
		}
		buf := s.dents[:n]
		for len(buf) > 0 {
			reclen := int(*(*uint16)(unsafe.Pointer(&buf[16])))
			name := buf[19:reclen]
			if i := bytes.IndexByte(name, 0); i >= 0 {
				name = name[:i]
			}
			if v, ok := atoi(name); ok {
				out = append(out, v)
			}
			buf = buf[reclen:]
		}
	}
}

func atoi(b []byte) (int, bool) {
	if len(b) == 0 {
		return 0, false
	}
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// pids lists the processes in /proc.
func (s *procScanner) pids() []int {
	unix.Seek(s.proc, 0, 0)
	return s.numbers(s.proc, nil)
}

func (s *procScanner) setPath(parts ...string) {
	s.path = s.path[:0]
	for _, p := range parts {
		s.path = append(s.path, p...)
	}
	s.path = append(s.path, 0)
}

func (s *procScanner) setPathNum(n int, suffix string) {
	s.path = strconv.AppendInt(s.path[:0], int64(n), 10)
	s.path = append(s.path, suffix...)
	s.path = append(s.path, 0)
}

// stat stats dirfd/s.path, following links.
func (s *procScanner) stat(dirfd int, st *unix.Stat_t) bool {
	_, _, errno := unix.RawSyscall6(unix.SYS_NEWFSTATAT, uintptr(dirfd), uintptr(unsafe.Pointer(&s.path[0])),
		uintptr(unsafe.Pointer(st)), 0, 0, 0)
	return errno == 0
}

// openFile opens dirfd/s.path read-only; -1 when it cannot.
func (s *procScanner) openFile(dirfd int) int {
	fd, _, errno := unix.RawSyscall6(unix.SYS_OPENAT, uintptr(dirfd), uintptr(unsafe.Pointer(&s.path[0])),
		unix.O_RDONLY|unix.O_CLOEXEC, 0, 0, 0)
	if errno != 0 {
		return -1
	}
	return int(fd)
}

// readFile reads up to len(buf) bytes of dirfd/s.path into buf.
func (s *procScanner) readFile(dirfd int, buf []byte) []byte {
	fd, _, errno := unix.RawSyscall6(unix.SYS_OPENAT, uintptr(dirfd), uintptr(unsafe.Pointer(&s.path[0])),
		unix.O_RDONLY|unix.O_CLOEXEC, 0, 0, 0)
	if errno != 0 {
		return nil
	}
	defer rawClose(int(fd))
	n, _, errno := unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	if errno != 0 {
		return nil
	}
	return buf[:n]
}

// readlink reads the link at s.path relative to dirfd; nil on failure.
func (s *procScanner) readlink(dirfd int) []byte {
	n, _, errno := unix.RawSyscall6(unix.SYS_READLINKAT, uintptr(dirfd), uintptr(unsafe.Pointer(&s.path[0])),
		uintptr(unsafe.Pointer(&s.link[0])), uintptr(len(s.link)), 0, 0)
	if errno != 0 {
		return nil
	}
	return s.link[:n]
}

// visitTasks calls fn for every namespace of the scanned types of every
// task of process pid. It returns false when the process is gone or hidden.
// A single-threaded process (most are) is read through /proc/PID/ns: the
// link count of /proc/PID/task is 2 plus the number of threads, so one
// stat saves listing the task directory.
func (s *procScanner) visitTasks(pid int, fn func(tid int, t Type, ino uint64)) bool {
	s.setPathNum(pid, "/task")
	var st unix.Stat_t
	if !s.stat(s.proc, &st) {
		return false
	}
	if st.Nlink == 3 && s.visitLinks(s.proc, pid, pid, fn) {
		return true
	}
	// Several threads, or a leader that exited before its last thread.
	s.setPathNum(pid, "/task")
	tfd, _, errno := unix.RawSyscall6(unix.SYS_OPENAT, uintptr(s.proc), uintptr(unsafe.Pointer(&s.path[0])),
		unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0, 0, 0)
	if errno != 0 {
		return false
	}
	defer rawClose(int(tfd))
	s.tids = s.numbers(int(tfd), s.tids[:0])
	for _, tid := range s.tids {
		s.visitLinks(int(tfd), tid, tid, fn)
	}
	return true
}

// visitLinks reads the ns links of dirfd/ID/ns, reporting them as task
// tid's; false when none could be read.
func (s *procScanner) visitLinks(dirfd, id, tid int, fn func(tid int, t Type, ino uint64)) bool {
	any := false
	for _, t := range s.types {
		s.path = strconv.AppendInt(s.path[:0], int64(id), 10)
		s.path = append(s.path, "/ns/"...)
		s.path = append(s.path, t...)
		s.path = append(s.path, 0)
		if ino, ok := parseLink(s.readlink(dirfd), t); ok {
			fn(tid, t, ino)
			any = true
		}
	}
	return any
}

// visitFDs calls fn for every open namespace file of process pid.
func (s *procScanner) visitFDs(pid int, fn func(fd int, t Type, ino uint64)) {
	s.setPathNum(pid, "/fd")
	dfd, _, errno := unix.RawSyscall6(unix.SYS_OPENAT, uintptr(s.proc), uintptr(unsafe.Pointer(&s.path[0])),
		unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0, 0, 0)
	if errno != 0 {
		return
	}
	defer rawClose(int(dfd))
	s.fdNums = s.numbers(int(dfd), s.fdNums[:0])
	for _, n := range s.fdNums {
		s.setPathNum(n, "")
		link := s.readlink(int(dfd))
		if t, ino, ok := ParseLink(link); ok && s.wants(t) {
			fn(n, t, ino)
		}
	}
}

func (s *procScanner) wants(t Type) bool {
	for _, x := range s.types {
		if x == t {
			return true
		}
	}
	return false
}

// parseLink reads the inode from "TYPE:[INO]" when TYPE is t.
func parseLink(link []byte, t Type) (uint64, bool) {
	if len(link) < len(t)+4 || string(link[:len(t)]) != string(t) || link[len(t)] != ':' {
		return 0, false
	}
	return parseIno(link[len(t)+1:])
}

func parseIno(b []byte) (uint64, bool) {
	if len(b) < 3 || b[0] != '[' || b[len(b)-1] != ']' {
		return 0, false
	}
	var v uint64
	for _, c := range b[1 : len(b)-1] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, true
}

// ParseLink parses the text of a namespace link or nsfs mount root,
// "net:[4026531833]", into its type and inode. Anything else (a path, a
// socket's "socket:[…]") is not a namespace: ok is false.
func ParseLink(link []byte) (t Type, ino uint64, ok bool) {
	i := bytes.IndexByte(link, ':')
	if i <= 0 {
		return "", 0, false
	}
	for _, x := range Types {
		if string(link[:i]) == string(x) {
			if ino, ok = parseIno(link[i+1:]); ok {
				return x, ino, true
			}
			return "", 0, false
		}
	}
	return "", 0, false
}
