package vocab

import (
	"errors"
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
		return "bad argument #" + itoa(e.Arg) + " (" + msg + ")"
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
	unix.EMFILE: "too many open files: close handles with h:close() or raise ulimit -n",
	unix.ENFILE: "the system's file table is full: close handles with h:close()",
}

// netOps are the modules whose calls need CAP_NET_ADMIN rather than
// CAP_SYS_ADMIN.
var netOps = []string{"link.", "addr.", "route.", "net."}

// hintFor is the hint for errno raised by op.
func hintFor(op string, errno syscall.Errno) string {
	if errno == unix.EPERM {
		for _, p := range netOps {
			if strings.HasPrefix(op, p) {
				return "needs CAP_NET_ADMIN in the namespace's owning user namespace: run as root"
			}
		}
	}
	if h := spawn.LimitHint(errno); h != "" {
		return h // a resource limit: EMFILE, ENFILE, EAGAIN, ENOMEM
	}
	return hints[errno]
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

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
