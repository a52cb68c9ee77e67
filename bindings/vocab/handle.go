//go:build linux

package vocab

import (
	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	lua "github.com/yuin/gopher-lua"
)

// HandleMeta is the registry key of the namespace handle class.
var HandleMeta = ClassMeta("ns", "handle")

// PushHandle pushes h as a handle value. The handle is closed by the
// script's h:close(), when the script can no longer reach it (see
// handles.go), by netns.del of its namespace, or when the runtime closes,
// whichever comes first.
func PushHandle(L *lua.LState, h *nsfs.Handle) {
	ud := L.NewUserData()
	ud.Value = h
	L.SetMetatable(ud, L.GetTypeMetatable(HandleMeta))
	s := handlesOf(L)
	if s.add(ud, h) {
		L.Push(ud) // reachable while the collection runs
		Collect(L)
		return
	}
	L.Push(ud)
}

// ToHandle returns the handle v holds, open or closed, or nil.
func ToHandle(v lua.LValue) *nsfs.Handle {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return nil
	}
	h, _ := ud.Value.(*nsfs.Handle)
	return h
}

// CheckHandle returns the open handle at argument n or raises.
func CheckHandle(L *lua.LState, n int) *nsfs.Handle {
	h := ToHandle(L.Get(n))
	if h == nil {
		L.ArgError(n, "namespace handle expected, got "+TypeName(L.Get(n)))
	}
	if h.Closed() {
		L.ArgError(n, ClosedMessage(L, h))
	}
	return h
}

// CloseHandle closes h and the connection cached on it.
func CloseHandle(h *nsfs.Handle) error { return h.Close() }

// ReleaseHandle closes h on behalf of the script (h:close()).
func ReleaseHandle(L *lua.LState, h *nsfs.Handle) error {
	if e := handlesOf(L).lookup(h); e != nil {
		return e.close("")
	}
	return CloseHandle(h)
}

// CheckNSType returns the namespace type named by argument n.
func CheckNSType(L *lua.LState, n int) nsfs.Type {
	t, err := nsfs.ParseType(CheckString(L, n))
	if err != nil {
		L.ArgError(n, err.Error()+Suggest(L.Get(n).String(), typeNames()))
	}
	return t
}

func typeNames() []string {
	out := make([]string, len(nsfs.Types))
	for i, t := range nsfs.Types {
		out[i] = string(t)
	}
	return out
}
