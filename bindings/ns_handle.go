//go:build linux

package bindings

import (
	"github.com/nsh-lua/nsh/bindings/nsfs"
	lua "github.com/yuin/gopher-lua"
)

var handleMeta = ClassMeta("ns", "handle")

func init() {
	Register(&Module{
		Name: "ns",
		Doc:  "Linux namespaces as Lua values: handles, the ioctl_nsfs(2) queries, discovery like lsns, pinning, and entering and creating namespaces.",
		Classes: []Class{{
			Name: "handle",
			Doc:  "An open namespace file. While it is open the namespace stays alive; `tostring` reads like the kernel's link text (`net:[4026531833]`) and `==` compares identity (device and inode).",
			Methods: []Func{
				{Name: "type", Args: "()", Returns: "string", Fn: handleType,
					Doc:     "Returns the namespace type, one of ns.types.",
					Example: `local h = ns.open("/proc/self/ns/uts")` + "\n" + `assert(h:type() == "uts")` + "\n" + `h:close()`},
				{Name: "inode", Args: "()", Returns: "integer", Fn: handleInode,
					Doc:     "Returns the namespace's inode number, its identity within nsfs.",
					Equiv:   "stat -L -c %i /proc/self/ns/net",
					Example: `local h = ns.open("/proc/self/ns/net")` + "\n" + `print(h:inode())` + "\n" + `h:close()`},
				{Name: "close", Args: "()", Fn: handleClose,
					Doc:     "Closes the handle, releasing its hold on the namespace; closing twice is harmless.",
					Example: `local h = ns.open("/proc/self/ns/ipc")` + "\n" + `h:close()`},
			},
			Meta: map[string]lua.LGFunction{
				"__tostring": handleString,
				"__eq":       handleEq,
			},
		}},
	})
}

// pushHandle pushes h as a handle value; the runtime closes it at the end
// if the script does not.
func pushHandle(L *lua.LState, h *nsfs.Handle) {
	ud := L.NewUserData()
	ud.Value = h
	L.SetMetatable(ud, L.GetTypeMetatable(handleMeta))
	if r := RuntimeOf(L); r != nil {
		r.Track(h)
	}
	L.Push(ud)
}

// toHandle returns the handle at n, open or closed, or nil when n is not a
// handle.
func toHandle(L *lua.LState, n int) *nsfs.Handle {
	ud, ok := L.Get(n).(*lua.LUserData)
	if !ok {
		return nil
	}
	h, _ := ud.Value.(*nsfs.Handle)
	return h
}

// checkHandle returns the open handle at argument n or raises a bad
// argument error.
func checkHandle(L *lua.LState, n int) *nsfs.Handle {
	h := toHandle(L, n)
	if h == nil {
		L.ArgError(n, "namespace handle expected, got "+L.Get(n).Type().String())
	}
	if h.Closed() {
		L.ArgError(n, "handle is closed")
	}
	return h
}

// checkNSType returns the namespace type named by argument n, refusing
// unknown names with the list of valid ones.
func checkNSType(L *lua.LState, n int) nsfs.Type {
	t, err := nsfs.ParseType(L.CheckString(n))
	if err != nil {
		L.ArgError(n, err.Error())
	}
	return t
}

// handleType is h:type().
func handleType(L *lua.LState) int {
	L.Push(lua.LString(checkHandle(L, 1).Type()))
	return 1
}

// handleInode is h:inode(); it works on a closed handle too.
func handleInode(L *lua.LState) int {
	h := toHandle(L, 1)
	if h == nil {
		L.ArgError(1, "namespace handle expected")
	}
	L.Push(lua.LNumber(h.Inode()))
	return 1
}

// handleClose is h:close().
func handleClose(L *lua.LState) int {
	h := toHandle(L, 1)
	if h == nil {
		L.ArgError(1, "namespace handle expected")
	}
	if r := RuntimeOf(L); r != nil {
		r.Untrack(h)
	}
	if err := h.Close(); err != nil {
		return Raise(L, "handle:close", h.String(), err)
	}
	return 0
}

// handleString is tostring(h): "net:[4026531833]".
func handleString(L *lua.LState) int {
	h := toHandle(L, 1)
	if h == nil {
		L.ArgError(1, "namespace handle expected")
	}
	L.Push(lua.LString(h.String()))
	return 1
}

// handleEq is h1 == h2: the same namespace, whatever the path.
func handleEq(L *lua.LState) int {
	a, b := toHandle(L, 1), toHandle(L, 2)
	L.Push(lua.LBool(a != nil && b != nil && a.Same(b)))
	return 1
}
