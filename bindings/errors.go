package bindings

import (
	"errors"
	"strings"
	"syscall"

	"github.com/nsh-lua/nsh/bindings/core/spawn"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// Error is the value a failed kernel operation raises in Lua. tostring gives
// "op: target: cause (hint)"; the fields op, target, errno, hint and message
// are readable from Lua, and errors.Is sees the wrapped errno from Go.
type Error struct {
	Op     string // the Lua function, e.g. "netns.add"
	Target string // the object acted on, e.g. "ns1"; may be empty
	Err    error  // the cause, usually wrapping a syscall.Errno
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
	b.WriteString(e.Err.Error())
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errno returns the errno name ("EEXIST") of the cause, or "" when the cause
// is not a kernel error.
func (e *Error) Errno() string {
	var errno syscall.Errno
	if errors.As(e.Err, &errno) {
		return errnoName(errno)
	}
	return ""
}

// errnoName names an errno as the kernel's headers and man pages do; where
// two names share a value, the one the kernel returns for namespace and
// netlink work wins (EOPNOTSUPP, not ENOTSUP).
func errnoName(errno syscall.Errno) string {
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
// the cause's errno when there is a known one.
func NewError(op, target string, err error) *Error {
	e := &Error{Op: op, Target: target, Err: err}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		e.Hint = hintFor(op, errno)
	}
	var inner *Error
	if errors.As(err, &inner) && inner.Hint != "" {
		e.Hint = ""
	}
	return e
}

// Raise raises err in L as an nsh error value for op on target. It does not
// return. An err that already is an *Error is raised as it is.
func Raise(L *lua.LState, op, target string, err error) int {
	var e *Error
	if !errors.As(err, &e) {
		e = NewError(op, target, err)
	}
	L.Error(errorValue(L, e), 1)
	return 0
}

const errorMeta = "nsh.error"

func errorValue(L *lua.LState, e *Error) lua.LValue {
	ud := L.NewUserData()
	ud.Value = e
	L.SetMetatable(ud, errorMetatable(L))
	return ud
}

func errorMetatable(L *lua.LState) lua.LValue {
	mt := L.GetTypeMetatable(errorMeta)
	if mt != lua.LNil {
		return mt
	}
	t := L.NewTypeMetatable(errorMeta)
	L.SetField(t, "__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(checkError(L, 1).Error()))
		return 1
	}))
	L.SetField(t, "__index", L.NewFunction(errorIndex))
	return t
}

func checkError(L *lua.LState, n int) *Error {
	ud := L.CheckUserData(n)
	if e, ok := ud.Value.(*Error); ok {
		return e
	}
	L.ArgError(n, "nsh error expected")
	return nil
}

// errorIndex serves the readable fields of an error value.
func errorIndex(L *lua.LState) int {
	e := checkError(L, 1)
	switch L.CheckString(2) {
	case "op":
		L.Push(lua.LString(e.Op))
	case "target":
		L.Push(lua.LString(e.Target))
	case "errno":
		L.Push(optString(e.Errno()))
	case "hint":
		L.Push(optString(e.Hint))
	case "message":
		L.Push(lua.LString(e.Error()))
	default:
		L.Push(lua.LNil)
	}
	return 1
}

func optString(s string) lua.LValue {
	if s == "" {
		return lua.LNil
	}
	return lua.LString(s)
}
