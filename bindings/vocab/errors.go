package vocab

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/nsh-lua/nsh/bindings/core/spawn"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// Error is the one value every nsh function raises, for misuse and kernel
// failures alike. tostring gives "op: target: cause (hint)"; Lua reads the
// fields op, arg, option, target, errno, hint and message; Go's errors.Is
// sees the wrapped errno.
type Error struct {
	Op     string // the Lua function, e.g. "netns.add" or "process:wait"
	Arg    int    // the argument at fault (1-based), 0 for a kernel failure
	Option string // the option at fault inside argument Arg, if any
	Target string // the object acted on, e.g. "ns1"; may be empty
	Err    error  // the cause, wrapping a syscall.Errno for kernel failures
	Hint   string // what to do about it, when known
}

// Error renders "op: target: cause (hint)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Target != "" {
		b.WriteString(": ")
		b.WriteString(e.Target)
	}
	b.WriteString(": ")
	b.WriteString(e.cause())
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// cause is the error's own words: "bad argument #2 (…)" for misuse.
func (e *Error) cause() string {
	msg := ""
	if e.Err != nil {
		msg = e.Err.Error()
	}
	if e.Arg > 0 {
		return "bad argument #" + strconv.Itoa(e.Arg) + " (" + msg + ")"
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errno returns the errno name ("EEXIST") of the cause, or "" when the cause
// is not a kernel error.
func (e *Error) Errno() string {
	var errno syscall.Errno
	if errors.As(e.Err, &errno) {
		return ErrnoName(errno)
	}
	return ""
}

// ErrnoName names an errno as the kernel's headers and man pages do; where
// two names share a value, the one the kernel returns for namespace and
// netlink work wins (EOPNOTSUPP, not ENOTSUP).
func ErrnoName(errno syscall.Errno) string {
	if errno == unix.EOPNOTSUPP {
		return "EOPNOTSUPP"
	}
	return unix.ErrnoName(errno)
}

// hints says what usually causes an errno in namespace work.
var hints = map[syscall.Errno]string{
	unix.EPERM:  "needs CAP_SYS_ADMIN in the owning user namespace: run as root",
	unix.EACCES: "permission denied by the file mode or an LSM: run as root",
	unix.EUSERS: "a running Go process cannot join an existing time namespace: use ns.spawn{join=…}",
}

// netOps are the modules whose calls need CAP_NET_ADMIN rather than
// CAP_SYS_ADMIN.
var netOps = []string{"link.", "addr.", "route.", "net."}

// hintFor is the hint for errno raised by op. "Run as root" is said only
// to a caller that is not root; root is told what refused it.
func hintFor(op string, errno syscall.Errno) string {
	if h := spawn.LimitHint(errno); h != "" {
		return h // a resource limit: EMFILE, ENFILE, EAGAIN, ENOMEM
	}
	if errno != unix.EPERM && errno != unix.EACCES {
		return hints[errno]
	}
	netOp := false
	for _, p := range netOps {
		netOp = netOp || strings.HasPrefix(op, p)
	}
	if os.Geteuid() == 0 {
		return rootRefused(errno, netOp)
	}
	if errno == unix.EPERM && netOp {
		return "needs CAP_NET_ADMIN in the namespace's owning user namespace: run as root"
	}
	return hints[errno]
}

// rootRefused says why the kernel refused a caller that is root: root of a
// user namespace other than the host's, a capability the process lacks,
// or an LSM.
func rootRefused(errno syscall.Errno, netOp bool) string {
	if !InitialUserNS() {
		return "nsh is root only inside a user namespace, not the host's (a container?): the kernel refuses it namespaces and processes owned outside that user namespace"
	}
	capName, capBit := "CAP_SYS_ADMIN", 21
	if netOp {
		capName, capBit = "CAP_NET_ADMIN", 12
	}
	if errno == unix.EPERM && !hasCap(capBit) {
		return "nsh runs as root but without " + capName + " (dropped from its capability set, as containers do)"
	}
	if errno == unix.EACCES {
		return "refused although nsh runs as root: an LSM (AppArmor, SELinux, Yama) or a target process that is not dumpable denies access"
	}
	return "refused although nsh runs as root with " + capName + ": seccomp or an LSM (AppArmor, SELinux) denies it"
}

// initUserIno is the inode of the initial user namespace (PROC_USER_INIT_INO
// in the kernel), the same on every Linux system.
const initUserIno = 0xEFFFFFFD

// InitialUserNS reports whether the process is in the host's initial user
// namespace (true when that cannot be read).
func InitialUserNS() bool {
	var st unix.Stat_t
	if unix.Stat("/proc/self/ns/user", &st) != nil {
		return true
	}
	return st.Ino == initUserIno
}

// hasCap reports whether capability bit is in the process's effective set
// (true when that cannot be read).
func hasCap(bit int) bool {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return true
	}
	for _, line := range strings.Split(string(data), "\n") {
		if hex, ok := strings.CutPrefix(line, "CapEff:"); ok {
			v, err := strconv.ParseUint(strings.TrimSpace(hex), 16, 64)
			return err != nil || v&(1<<bit) != 0
		}
	}
	return true
}

// NewError builds the error value for op on target, filling in the hint for
// the cause's errno when there is a known one and the cause has none.
func NewError(op, target string, err error) *Error {
	e := &Error{Op: op, Target: target, Err: err}
	var inner *Error
	if errors.As(err, &inner) && inner.Hint != "" {
		return e
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		e.Hint = hintFor(op, errno)
	}
	return e
}

// Raise raises err in L as the error value for op on target. It does not
// return. An err that already is an *Error is raised as it is.
func Raise(L *lua.LState, op, target string, err error) int {
	var e *Error
	if !errors.As(err, &e) {
		e = NewError(op, target, err)
	}
	L.Error(Value(L, e), 1)
	return 0
}

// ArgError raises misuse of argument n of op: msg says what is wrong.
func ArgError(L *lua.LState, op string, n int, msg string) int {
	L.Error(Value(L, &Error{Op: op, Arg: n, Err: errors.New(msg)}), 1)
	return 0
}

// OptionError raises misuse of option key of argument n of op; msg is the
// whole message.
func OptionError(L *lua.LState, op string, n int, key, msg string) int {
	e := &Error{Op: op, Arg: n, Option: key, Err: errors.New(msg)}
	L.Error(Value(L, e), 1)
	return 0
}
