//go:build linux

package ns

import (
	"errors"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

func handlePart() *vocab.Module {
	handleClass = newHandleClass()
	return &vocab.Module{
		Name: "ns",
		Doc: "Linux namespaces as Lua values: handles, the ioctl_nsfs(2) queries, discovery like lsns, pinning, and entering and creating namespaces. " +
			"`ns.types` lists the eight type names every function takes: cgroup, ipc, mnt, net, pid, time, user, uts.",
		Funcs: []vocab.Func{
			{Name: "enter", Args: "(target, cmd, …)", Returns: "status, signal",
				Doc: "Runs a command in the namespaces of target (a pid, a handle, a list of handles or a {type=handle} table) on the shell's terminal, waits for it and returns its status as os.exit takes it " +
					"(the exit code, or 128+N when signal N killed it) and the signal; os.exit(ns.enter(…)) makes a one-liner exit as the command did.",
				Equiv:   "nsenter -t PID -a CMD",
				Example: "local p = ns.spawn{\"sleep\", \"60\", new = {\"uts\"}, hostname = \"box\"}\nassert(ns.enter(p.pid, \"hostname\") == 0)\nassert(ns.enter(p.pid, \"sh\", \"-c\", \"exit 5\") == 5)\np:kill(\"KILL\")\np:wait()"},
		},
		Lua:     "ns.lua",
		Classes: []vocab.Class{handleClass},
	}
}

// handleClass is the namespace handle userdata type, set by init (a
// variable initializer would make an initialization cycle through
// pushHandle).
var handleClass vocab.Class

func newHandleClass() vocab.Class {
	return vocab.Class{
		Name: "handle",
		Doc:  "An open namespace file. While it is open the namespace stays alive; `tostring` reads like the kernel's link text (`net:[4026531833]`) and `==` compares identity (device and inode).",
		Methods: []vocab.Func{
			{Name: "type", Args: "()", Returns: "string", Fn: handleType,
				Doc:     "Returns the namespace type, one of ns.types.",
				Example: `local h = ns.open("/proc/self/ns/uts")` + "\n" + `assert(h:type() == "uts")` + "\n" + `h:close()`},
			{Name: "inode", Args: "()", Returns: "integer", Fn: handleInode,
				Doc:     "Returns the namespace's inode number, its identity within nsfs.",
				Equiv:   "stat -L -c %i /proc/self/ns/net",
				Example: `local h = ns.open("/proc/self/ns/net")` + "\n" + `print(h:inode())` + "\n" + `h:close()`},
			{Name: "dev", Args: "()", Returns: "integer", Fn: handleDev,
				Doc:     "Returns the device number of the nsfs file system the namespace file lives on.",
				Equiv:   "stat -L -c %d /proc/self/ns/net",
				Example: `local h = ns.self("net")` + "\n" + `print(h:dev(), h:inode())` + "\n" + `h:close()`},
			{Name: "id", Args: "()", Returns: "integer", Fn: handleID,
				Doc:     "Returns the namespace's 64-bit id (NS_GET_ID), which unlike the inode is never reused while the system runs.",
				Example: `local h = ns.self("mnt")` + "\n" + `print("mnt ns id", h:id())` + "\n" + `h:close()`},
			{Name: "parent", Args: "()", Returns: "handle | nil, reason", Fn: handleParent,
				Doc:     "Returns the parent of a pid or user namespace (NS_GET_PARENT), or nil and the reason at the top of the tree the caller may see or for types without parents.",
				Example: `local h = ns.self("user")` + "\n" + `local p, why = h:parent()` + "\n" + `print(p, why)` + "\n" + `h:close()`},
			{Name: "owner", Args: "()", Returns: "handle | nil, reason", Fn: handleOwner,
				Doc:     "Returns the user namespace that owns the namespace (NS_GET_USERNS), or nil and the reason at the top of the tree the caller may see.",
				Example: `local h = ns.self("net")` + "\n" + `local u = assert(h:owner())` + "\n" + `assert(u:type() == "user")` + "\n" + `u:close(); h:close()`},
			{Name: "owner_uid", Args: "()", Returns: "integer", Fn: handleOwnerUID,
				Doc:     "Returns the uid that created the user namespace (NS_GET_OWNER_UID); for other types, that of their owning user namespace.",
				Example: `local h = ns.self("user")` + "\n" + `print("owner uid", h:owner_uid())` + "\n" + `h:close()`},
			{Name: "pids", Args: "()", Returns: "{pid…}", Fn: handlePIDs,
				Doc:     "Lists, ascending, the processes with a thread in the namespace.",
				Example: `local h = ns.self("uts")` + "\n" + `print(#h:pids() .. " processes share this uts namespace")` + "\n" + `h:close()`},
			{Name: "path", Args: "()", Returns: "string", Fn: handlePath,
				Doc:     "Returns the path the handle was opened from.",
				Example: `local h = ns.open("/proc/self/ns/net")` + "\n" + `print(h:path())` + "\n" + `h:close()`},
			{Name: "pin", Args: "(path)", Fn: handlePin,
				Doc:     "Pins the namespace at path with a bind mount, creating the file, so it outlives its processes; ns.unpin releases it.",
				Equiv:   "mount --bind /proc/PID/ns/net PATH",
				Example: pinExample},
			{Name: "close", Args: "()", Fn: handleClose,
				Doc:     "Closes the handle, releasing its hold on the namespace; closing twice is harmless.",
				Example: `local h = ns.open("/proc/self/ns/ipc")` + "\n" + `h:close()`},
		},
		Meta: map[string]lua.LGFunction{
			"__tostring": handleString,
			"__eq":       handleEq,
		},
	}
}

// handleType is h:type().
func handleType(L *lua.LState) int {
	L.Push(lua.LString(vocab.CheckHandle(L, 1).Type()))
	return 1
}

// handleInode is h:inode(); it works on a closed handle too.
func handleInode(L *lua.LState) int {
	h := vocab.ToHandle(L.Get(1))
	if h == nil {
		L.ArgError(1, "namespace handle expected")
	}
	L.Push(lua.LNumber(h.Inode()))
	return 1
}

// handleClose is h:close().
func handleClose(L *lua.LState) int {
	h := vocab.ToHandle(L.Get(1))
	if h == nil {
		L.ArgError(1, "namespace handle expected")
	}
	if err := vocab.ReleaseHandle(L, h); err != nil {
		return vocab.Raise(L, "handle:close", h.String(), err)
	}
	return 0
}

// handleString is tostring(h): "net:[4026531833]".
func handleString(L *lua.LState) int {
	h := vocab.ToHandle(L.Get(1))
	if h == nil {
		L.ArgError(1, "namespace handle expected")
	}
	L.Push(lua.LString(h.String()))
	return 1
}

// handleEq is h1 == h2: the same namespace, whatever the path.
func handleEq(L *lua.LState) int {
	a, b := vocab.ToHandle(L.Get(1)), vocab.ToHandle(L.Get(2))
	L.Push(lua.LBool(a != nil && b != nil && a.Same(b)))
	return 1
}

// pinExample pins this shell's uts namespace on a temporary file and
// releases it.
const pinExample = `local h = ns.self("uts")
local path = os.tmpname()
h:pin(path)
local again = ns.open(path)
assert(again == h)
again:close()
ns.unpin(path)
h:close()`

// handleDev is h:dev(); it works on a closed handle too.
func handleDev(L *lua.LState) int {
	h := vocab.ToHandle(L.Get(1))
	if h == nil {
		L.ArgError(1, "namespace handle expected")
	}
	L.Push(lua.LNumber(h.Dev()))
	return 1
}

// handleID is h:id().
func handleID(L *lua.LState) int {
	h := vocab.CheckHandle(L, 1)
	id, err := h.ID()
	if err != nil {
		return raiseNS(L, "handle:id", h.String(), err)
	}
	L.Push(lua.LNumber(id))
	return 1
}

// handleParent is h:parent().
func handleParent(L *lua.LState) int {
	h := vocab.CheckHandle(L, 1)
	return pushRelated(L, "handle:parent", h, h.Parent)
}

// handleOwner is h:owner().
func handleOwner(L *lua.LState) int {
	h := vocab.CheckHandle(L, 1)
	return pushRelated(L, "handle:owner", h, h.Owner)
}

// pushRelated pushes the namespace get returns, or nil and the reason when
// the kernel will not show it (EPERM: above what the caller may see;
// EINVAL: the type has no such relation).
func pushRelated(L *lua.LState, op string, h *nsfs.Handle, get func() (*nsfs.Handle, error)) int {
	r, err := get()
	switch {
	case err == nil:
		vocab.PushHandle(L, r)
		return 1
	case errors.Is(err, unix.EPERM):
		L.Push(lua.LNil)
		L.Push(lua.LString(tostringCause(err, h.String()) + " (the top of the tree the caller may see)"))
		return 2
	case errors.Is(err, unix.EINVAL):
		L.Push(lua.LNil)
		L.Push(lua.LString(string(h.Type()) + " namespaces have no parent"))
		return 2
	}
	return raiseNS(L, op, h.String(), err)
}

// handleOwnerUID is h:owner_uid().
func handleOwnerUID(L *lua.LState) int {
	h := vocab.CheckHandle(L, 1)
	u := h
	if h.Type() != nsfs.User {
		o, err := h.Owner()
		if err != nil {
			return raiseNS(L, "handle:owner_uid", h.String(), err)
		}
		defer o.Close()
		u = o
	}
	uid, err := u.OwnerUID()
	if err != nil {
		return raiseNS(L, "handle:owner_uid", h.String(), err)
	}
	L.Push(lua.LNumber(uid))
	return 1
}

// handlePIDs is h:pids().
func handlePIDs(L *lua.LState) int {
	h := vocab.CheckHandle(L, 1)
	pids, err := h.PIDs()
	if err != nil {
		return raiseNS(L, "handle:pids", h.String(), err)
	}
	t := L.CreateTable(len(pids), 0)
	for _, p := range pids {
		t.Append(lua.LNumber(p))
	}
	L.Push(t)
	return 1
}

// handlePath is h:path().
func handlePath(L *lua.LState) int {
	h := vocab.ToHandle(L.Get(1))
	if h == nil {
		L.ArgError(1, "namespace handle expected")
	}
	L.Push(lua.LString(h.Path()))
	return 1
}

// handlePin is h:pin(path).
func handlePin(L *lua.LState) int {
	h := vocab.CheckHandle(L, 1)
	path := vocab.CheckPath(L, 2)
	if err := h.Pin(path); err != nil {
		return raiseNS(L, "handle:pin", path, err)
	}
	return 0
}
