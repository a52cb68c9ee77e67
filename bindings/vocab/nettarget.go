//go:build linux

package vocab

import (
	"errors"
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	lua "github.com/yuin/gopher-lua"
)

// Net is the network namespace a link, addr, route or net call acts in,
// with a netlink connection opened inside it.
type Net struct {
	// Conn talks netlink inside the namespace.
	Conn *netconf.Conn
	// Handle is the namespace.
	Handle *nsfs.Handle
	// Where names it in messages ("netns lab"); "" for the shell's own.
	Where  string
	target *Target
	own    bool // Conn was opened for this call, not cached on a handle
}

// Close releases what the call opened; connections cached on the script's
// handles stay open.
func (n *Net) Close() {
	if n.own && n.Conn != nil {
		n.Conn.Close()
	}
	n.target.Close()
}

// NetOf resolves v (nil: the calling thread's own network namespace at call
// time) to a network namespace and opens netlink inside it. Every form
// Resolve takes is accepted; a pid or a {type=handle} table gives its net
// namespace.
func NetOf(L *lua.LState, w Where, v lua.LValue) *Net {
	t, where := NetNS(L, w, v)
	h := t.Of(nsfs.Net)
	n := &Net{Handle: h, Where: where, target: t, own: t.owned}
	var err error
	if t.owned {
		n.Conn, err = netconf.Open(h.Fd())
	} else {
		n.Conn, err = netconf.ConnOf(h)
	}
	if err != nil {
		t.Close()
		Raise(L, w.Op, where, err)
	}
	return n
}

// NetNS resolves v (nil: the calling thread's own network namespace) to a
// target holding a network namespace, and the words that name it in
// messages ("" for the shell's own). The caller closes the target.
func NetNS(L *lua.LState, w Where, v lua.LValue) (*Target, string) {
	if v == lua.LNil {
		h, err := nsfs.Open("/proc/thread-self/ns/net")
		if err != nil {
			Raise(L, w.Op, "", err)
		}
		return &Target{Handles: []*nsfs.Handle{h}, owned: true}, ""
	}
	t := Resolve(L, w, v, netTypes(v))
	if t.Of(nsfs.Net) == nil {
		t.Close()
		w.Fail(L, t.Name+" is not a network namespace")
	}
	return t, t.Name
}

// netTypes asks the pid form for its net namespace alone.
func netTypes(v lua.LValue) []nsfs.Type {
	if v.Type() == lua.LTNumber {
		return []nsfs.Type{nsfs.Net}
	}
	return nil
}

// Fail raises a netconf failure of op: input netconf refused as misuse of
// argument arg, kernel errors as the error value naming the object and,
// when the call acted in another namespace, where ("addr.add: eth9: no
// such device (in netns lab-a)").
func (n *Net) Fail(L *lua.LState, op string, arg int, err error) int {
	target, cause := "", err
	var ne *netconf.Error
	if errors.As(err, &ne) {
		target, cause = ne.Name, ne.Err
	}
	if errors.Is(err, netconf.ErrInvalid) {
		ArgError(L, op, arg, cause.Error())
	}
	e := NewError(op, target, cause)
	if n != nil && n.Where != "" {
		e.Hint = strings.TrimSuffix("in "+n.Where+"; "+e.Hint, "; ")
	}
	if isNoDevice(err) && (n == nil || n.Where == "") {
		e.Hint = strings.TrimSuffix(noDeviceHint(target)+"; "+e.Hint, "; ")
	}
	return Raise(L, op, target, e)
}
