//go:build linux

package spawn

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// initUserNSIno is the inode of the initial user namespace
// (PROC_USER_INIT_INO).
const initUserNSIno = 0xEFFFFFFD

// nprocExempt reports whether the kernel lets this process past the
// process limit: root or CAP_SYS_RESOURCE / CAP_SYS_ADMIN in the initial
// user namespace.
func nprocExempt() bool {
	var st unix.Stat_t
	if unix.Stat("/proc/self/ns/user", &st) != nil || st.Ino != initUserNSIno {
		return false
	}
	if unix.Getuid() == 0 {
		return true
	}
	const caps = 1<<unix.CAP_SYS_ADMIN | 1<<unix.CAP_SYS_RESOURCE
	return statusField("/proc/self/status", "CapEff:", 16)&caps != 0
}

// userTasks counts the threads of every process of uid (real uid) but
// this one: what RLIMIT_NPROC counts against this process.
func userTasks(uid int) int {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	self := strconv.Itoa(os.Getpid())
	n := 0
	for _, d := range dirs {
		if filepath.Base(d) == self {
			continue
		}
		data, err := os.ReadFile(d + "/status")
		if err != nil || fieldOf(data, "Uid:", 10) != uint64(uid) {
			continue
		}
		n += int(max(fieldOf(data, "Threads:", 10), 1))
	}
	return n
}

// systemThreads is the number of threads on the system, the total of
// /proc/loadavg's "running/total" field, or -1.
func systemThreads() int {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := bytes.Fields(data)
	if len(f) < 4 {
		return -1
	}
	_, total, ok := bytes.Cut(f[3], []byte("/"))
	n, err := strconv.Atoi(string(total))
	if !ok || err != nil {
		return -1
	}
	return n
}

// ownThreads is this process's thread count.
func ownThreads() int {
	return int(statusField("/proc/self/status", "Threads:", 10))
}

func statusField(path, key string, base int) uint64 {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return fieldOf(data, key, base)
}

// fieldOf parses the first number after key in a /proc status file.
func fieldOf(data []byte, key string, base int) uint64 {
	i := bytes.Index(data, []byte("\n"+key))
	if i < 0 {
		return 0
	}
	rest := bytes.TrimLeft(data[i+1+len(key):], " \t")
	end := bytes.IndexAny(rest, " \t\n")
	if end < 0 {
		end = len(rest)
	}
	v, _ := strconv.ParseUint(string(rest[:end]), base, 64)
	return v
}
