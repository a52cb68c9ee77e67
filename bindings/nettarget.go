//go:build linux

package bindings

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// netTarget is the network namespace a link, addr or route call acts in:
// an open namespace fd and the words an error uses to name it.
type netTarget struct {
	fd     int
	handle *nsfs.Handle // the caller's handle, when ns= was one
	owned  *nsfs.Handle // the handle opened here, closed by close; nil for a caller's handle
	where  string       // "netns lab-a", "net:[4026532301]", …; "" for the shell's own
	conn   *netconf.Conn
	cached bool // conn belongs to a topo ledger, which closes it
}

// close releases the connection and the namespace file if the target
// opened them.
func (t *netTarget) close() {
	if t.conn != nil && !t.cached {
		t.conn.Close()
	}
	t.conn = nil
	if t.owned != nil {
		t.owned.Close()
		t.owned = nil
	}
}

// netCause is an errno with words that fit the object better than the
// errno's own text.
type netCause struct {
	msg   string
	errno unix.Errno
}

func (c *netCause) Error() string { return c.msg }
func (c *netCause) Unwrap() error { return c.errno }

var (
	// errNoNetns: ns= names a namespace that does not exist.
	errNoNetns = &netCause{"no such network namespace", unix.ENOENT}
	// errNoPid: ns= is a pid that does not exist.
	errNoPid = &netCause{"no such process", unix.ESRCH}
)

// resolveNetTarget turns an ns= value (argument n, for errors) into a
// namespace: nil is the calling thread's own network namespace at call time
// (/proc/thread-self/ns/net), a string a name as `ip netns` keeps it, a
// handle that namespace, a number the network namespace of that pid. The
// caller must close the result.
func resolveNetTarget(L *lua.LState, op string, n int, v lua.LValue) *netTarget {
	switch v := v.(type) {
	case *lua.LNilType:
		return openNetPath(L, op, "/proc/thread-self/ns/net", "", "")
	case lua.LString:
		name := string(v)
		if err := netns.ValidateName(name); err != nil {
			L.ArgError(n, "ns: "+err.Error())
		}
		h, err := netns.Open(name) // never through a symlink in /run/netns
		return checkNetTarget(L, op, h, err, netns.Path(name), "netns "+name, "netns "+name)
	case lua.LNumber:
		pid := int(v)
		if float64(pid) != float64(v) || pid <= 0 {
			L.ArgError(n, "ns: a pid must be a positive integer")
		}
		return openNetPath(L, op, fmt.Sprintf("/proc/%d/ns/net", pid), fmt.Sprintf("pid %d", pid), fmt.Sprintf("netns of pid %d", pid))
	case *lua.LUserData:
		if h, ok := v.Value.(*nsfs.Handle); ok {
			if h.Closed() {
				L.ArgError(n, "ns: handle is closed")
			}
			if h.Type() != nsfs.Type("net") {
				L.ArgError(n, "ns: "+h.String()+" is not a network namespace")
			}
			where := h.String()
			if led := ledgerOf(h); led != nil && led.NameOf(h) != "" {
				where = "netns " + led.NameOf(h) // a topo lab's namespace: say which
			}
			return &netTarget{fd: h.Fd(), handle: h, where: where}
		}
	}
	L.ArgError(n, "ns: a netns name, a namespace handle or a pid expected, got "+v.Type().String())
	return nil
}

// openNetPath opens a namespace file; what names it in a "not found" error.
func openNetPath(L *lua.LState, op, path, what, where string) *netTarget {
	h, err := nsfs.Open(path)
	return checkNetTarget(L, op, h, err, path, what, where)
}

// checkNetTarget raises the error of opening path, or one for a namespace
// that is not a network one, and otherwise returns the target.
func checkNetTarget(L *lua.LState, op string, h *nsfs.Handle, err error, path, what, where string) *netTarget {
	switch {
	case errors.Is(err, unix.ENOENT) && strings.HasPrefix(what, "netns "):
		Raise(L, op, what, errNoNetns)
	case errors.Is(err, unix.ENOENT):
		Raise(L, op, what, errNoPid)
	case errors.Is(err, nsfs.ErrNotNamespace):
		Raise(L, op, what, &netCause{path + " is not a namespace file", unix.EINVAL})
	case err != nil:
		Raise(L, op, what, err)
	}
	if h.Type() != nsfs.Type("net") {
		h.Close()
		Raise(L, op, what, &netCause{"not a network namespace", unix.EINVAL})
	}
	return &netTarget{fd: h.Fd(), owned: h, where: where}
}

// netConn opens a netlink connection inside the namespace of ns= (argument
// n), or reuses the one a topo lab keeps for its own namespace handles. The
// caller closes the target, which closes the connection when it should.
func netConn(L *lua.LState, op string, n int, ns lua.LValue) (*netconf.Conn, *netTarget) {
	t := resolveNetTarget(L, op, n, ns)
	var err error
	if led := ledgerOf(t.handle); led != nil {
		t.conn, err = led.Conn(t.handle)
		t.cached = err == nil
	} else {
		t.conn, err = netconf.Open(t.fd)
	}
	if err != nil {
		t.close()
		raiseNet(L, op, n, t, err)
	}
	return t.conn, t
}

// raiseNet raises a netconf failure: refused input as a bad argument n,
// kernel errors as an nsh error naming the object and, when the call acted
// in another namespace, where ("addr.add: eth9: no such device (in netns
// lab-a)").
func raiseNet(L *lua.LState, op string, n int, t *netTarget, err error) int {
	target, cause := "", err
	var ne *netconf.Error
	if errors.As(err, &ne) {
		target, cause = ne.Name, ne.Err
	}
	if errors.Is(err, netconf.ErrInvalid) {
		L.ArgError(n, cause.Error())
	}
	e := NewError(op, target, cause)
	if t != nil && t.where != "" {
		e.Hint = strings.TrimSuffix("in "+t.where+"; "+e.Hint, "; ")
	}
	return Raise(L, op, target, e)
}
