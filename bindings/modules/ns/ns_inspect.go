//go:build linux

package ns

import (
	"fmt"
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

// The inspection half of the ns module: handles from /proc and paths, the
// ioctl_nsfs(2) queries, discovery like lsns, and pinning.
func inspectPart() *vocab.Module {
	return &vocab.Module{
		Name:   "ns",
		Fields: nsTypesField,
		Funcs: []vocab.Func{
			{Name: "self", Args: "([type])", Returns: "{type = handle} | handle", Fn: nsSelf,
				Doc:     "Opens the namespaces the shell's thread is in now, as a table from type name to handle (with pid_for_children and time_for_children where they differ), or the one of type.",
				Equiv:   "ls -l /proc/thread-self/ns",
				Example: "local all = ns.self()\nfor _, t in ipairs(ns.types) do print(t, all[t]) end\nfor _, h in pairs(all) do h:close() end"},
			{Name: "of", Args: "(pid [, type])", Returns: "{type = handle} | handle", Fn: nsOf,
				Doc:     "Opens the namespaces of process pid, as a table from type name to handle, or the one of type.",
				Equiv:   "readlink /proc/PID/ns/net",
				Example: "local net = ns.self(\"net\")\nlocal pid = net:pids()[1]\nlocal theirs = ns.of(pid, \"net\")\nprint(pid, theirs, theirs == net)\ntheirs:close(); net:close()"},
			{Name: "open", Args: "(path | pid, type)", Returns: "handle", Fn: nsOpen,
				Doc:     "Opens a namespace file (/proc/PID/ns/X, a bind mount such as /run/netns/NAME, any pinned file), or the namespace of type of process pid; the type comes from NS_GET_NSTYPE.",
				Equiv:   "exec {fd}</proc/PID/ns/net",
				Example: "local h = ns.open(\"/proc/self/ns/net\")\nprint(h, h:type(), h:inode())\nh:close()"},
			{Name: "ioctl", Args: "(h, request [, pid])", Returns: "handle | integer", Fn: nsIoctl,
				Doc:     "Runs an ioctl_nsfs(2) request by name (NS_GET_USERNS, NS_GET_PARENT, NS_GET_NSTYPE, NS_GET_OWNER_UID, NS_GET_ID, NS_GET_MNTNS_ID, and the pid translations NS_GET_PID_FROM_PIDNS, NS_GET_TGID_FROM_PIDNS, NS_GET_PID_IN_PIDNS, NS_GET_TGID_IN_PIDNS taking a pid).",
				Example: "local pidns = ns.self(\"pid\")\nprint(ns.ioctl(pidns, \"NS_GET_NSTYPE\"), ns.ioctl(pidns, \"NS_GET_ID\"))\nlocal owner = ns.ioctl(pidns, \"NS_GET_USERNS\")\nprint(owner, ns.ioctl(owner, \"NS_GET_OWNER_UID\"))\nowner:close(); pidns:close()"},
			{Name: "list", Args: "([filter])", Returns: "{record…}", Fn: nsList,
				Doc: "Lists every namespace on the system as lsns finds them, and those held only by open files or bind mounts, one record {type, inode, id, nprocs, pid (the lowest in it), ppid, command, uid, user, path, paths, netnsid, parent, owner} each; " +
					"filter is a type name, a table of field values ({pid = P} means the namespaces process P is in, as lsns -p P), or a predicate (function(n) return n.pid == P end keeps those whose lowest pid is P).",
				Equiv:   "lsns -J -o NS,TYPE,NPROCS,PID,PPID,COMMAND,UID,USER,NETNSID,NSFS,PNS,ONS; lsns -p PID",
				Example: "for _, n in ipairs(ns.list(\"user\")) do\n  print(n.inode, n.nprocs, n.pid, n.command, n.owner)\nend\n-- every namespace a process is in, in lsns's columns, as lsns -p PID\nlocal p = ns.spawn{\"sleep\", \"60\", new = {\"uts\"}}\nnsh.table(ns.list{pid = p.pid}, {{\"inode\", \"NS\"}, \"type\", \"nprocs\", \"pid\", \"user\", \"command\"})\np:kill()\np:wait()"},
			{Name: "tree", Args: "([by])", Returns: "{node…}", Fn: nsTree,
				Doc:     "Arranges ns.list() as a tree by \"owner\" (the default), \"parent\" or \"process\", returning the root records with children lists; tostring renders it like lsns --tree.",
				Equiv:   "lsns --tree owner",
				Example: "print(ns.tree(\"parent\"))"},
			{Name: "pin", Args: "(h | pid, [type,] path)", Fn: nsPin,
				Doc:     "Pins a namespace (a handle's, or process pid's of type) at path with a bind mount, creating the file, so it lives on without processes.",
				Equiv:   "mount --bind /proc/PID/ns/net PATH",
				Example: "local uts = ns.self(\"uts\")\nlocal pid = uts:pids()[1]\nlocal path = os.tmpname()\nns.pin(pid, \"uts\", path)\nlocal pinned = ns.open(path)\nassert(pinned == uts)\npinned:close(); uts:close()\nns.unpin(path)"},
			{Name: "unpin", Args: "(path)", Fn: nsUnpin,
				Doc:     "Releases a namespace pinned at path: unmounts it lazily and removes the file, refusing anything that is not an nsfs bind mount.",
				Equiv:   "umount -l PATH && rm PATH",
				Example: "local ipc = ns.self(\"ipc\")\nlocal path = os.tmpname()\nns.pin(ipc, path)\nns.unpin(path)\nipc:close()\nprint(pcall(ns.unpin, \"/etc/hostname\"))"},
		},
	}
}

// nsTypesField sets ns.types, the eight type names in alphabetical order.
func nsTypesField(L *lua.LState, mod *lua.LTable) {
	t := L.CreateTable(len(nsfs.Types), 0)
	for _, ty := range nsfs.Types {
		t.Append(lua.LString(ty))
	}
	mod.RawSetString("types", t)
}

// raiseNS raises err for op on target, dropping the target and path the
// nsfs error already names so the message says each thing once.
func raiseNS(L *lua.LState, op, target string, err error) int {
	return vocab.Raise(L, op, target, causeOnly{tostringCause(err, target), err})
}

// tostringCause is err's text after its last mention of target.
func tostringCause(err error, target string) string {
	msg := err.Error()
	if target == "" {
		return msg
	}
	if i := strings.LastIndex(msg, target+": "); i >= 0 {
		return msg[i+len(target)+2:]
	}
	return msg
}

// causeOnly shows a shortened message but unwraps to the full error, so
// the errno and its hint survive.
type causeOnly struct {
	msg string
	err error
}

func (c causeOnly) Error() string { return c.msg }
func (c causeOnly) Unwrap() error { return c.err }

// nsSelf is ns.self([type]).
func nsSelf(L *lua.LState) int { return pushNamespaces(L, "ns.self", 0, 1) }

// nsOf is ns.of(pid [, type]).
func nsOf(L *lua.LState) int {
	return pushNamespaces(L, "ns.of", vocab.CheckPID(L, 1), 2)
}

// pushNamespaces pushes one handle of process pid (0: this thread) when
// argument n names a type, else the table of all of them.
func pushNamespaces(L *lua.LState, op string, pid, n int) int {
	target := "thread-self"
	if pid != 0 {
		target = fmt.Sprintf("pid %d", pid)
	}
	if L.Get(n) != lua.LNil {
		name := L.CheckString(n)
		if name != nsfs.PIDForChildren && name != nsfs.TimeForChildren {
			vocab.CheckNSType(L, n)
		}
		h, err := nsfs.OpenPIDLink(pid, name)
		if err != nil {
			return raiseNS(L, op, target, err)
		}
		vocab.PushHandle(L, h)
		return 1
	}
	hs, err := nsfs.OpenAll(pid)
	if err != nil {
		return raiseNS(L, op, target, err)
	}
	t := L.CreateTable(0, len(hs))
	for name, h := range hs {
		vocab.PushHandle(L, h)
		t.RawSetString(name, L.Get(-1))
		L.Pop(1)
	}
	L.Push(t)
	return 1
}

// nsOpen is ns.open(path) or ns.open(pid, type).
func nsOpen(L *lua.LState) int {
	if _, ok := L.Get(1).(lua.LNumber); ok {
		pid := vocab.CheckPID(L, 1)
		t := vocab.CheckNSType(L, 2)
		h, err := nsfs.OpenPID(pid, t)
		if err != nil {
			return raiseNS(L, "ns.open", fmt.Sprintf("pid %d", pid), err)
		}
		vocab.PushHandle(L, h)
		return 1
	}
	path := vocab.CheckPath(L, 1)
	h, err := nsfs.Open(path)
	if err != nil {
		return raiseNS(L, "ns.open", path, err)
	}
	vocab.PushHandle(L, h)
	return 1
}

// nsIoctl is ns.ioctl(h, request [, pid]).
func nsIoctl(L *lua.LState) int {
	h := vocab.CheckHandle(L, 1)
	name := L.CheckString(2)
	req, ok := nsfs.Requests[name]
	if !ok {
		L.ArgError(2, fmt.Sprintf("unknown request %q: must be one of %s", name, strings.Join(nsfs.RequestNames(), ", ")))
	}
	arg := 0
	if req.Kind == nsfs.KindPID {
		arg = vocab.CheckPID(L, 3)
	}
	v, err := h.Ioctl(name, arg)
	if err != nil {
		return raiseNS(L, "ns.ioctl", h.String(), err)
	}
	if r, ok := v.(*nsfs.Handle); ok {
		vocab.PushHandle(L, r)
		return 1
	}
	L.Push(lua.LNumber(v.(int64)))
	return 1
}

// nsPin is ns.pin(h | pid, [type,] path).
func nsPin(L *lua.LState) int {
	var h *nsfs.Handle
	pathArg := 3
	switch v := L.Get(1).(type) {
	case lua.LNumber:
		pid, t := vocab.CheckPID(L, 1), vocab.CheckNSType(L, 2)
		vocab.CheckPath(L, 3) // before anything is opened
		var err error
		if h, err = nsfs.OpenPID(pid, t); err != nil {
			return raiseNS(L, "ns.pin", fmt.Sprintf("pid %d", pid), err)
		}
		defer h.Close()
	case *lua.LUserData:
		h = vocab.CheckHandle(L, 1)
		if L.GetTop() < 3 {
			pathArg = 2
		} else if t := vocab.CheckNSType(L, 2); t != h.Type() {
			L.ArgError(2, fmt.Sprintf("the handle is a %s namespace, not %s", h.Type(), t))
		}
	default:
		L.ArgError(1, "namespace handle or pid expected, got "+v.Type().String())
	}
	path := vocab.CheckPath(L, pathArg)
	if err := h.Pin(path); err != nil {
		return raiseNS(L, "ns.pin", path, err)
	}
	return 0
}

// nsUnpin is ns.unpin(path).
func nsUnpin(L *lua.LState) int {
	path := vocab.CheckPath(L, 1)
	if err := nsfs.Unpin(path); err != nil {
		return raiseNS(L, "ns.unpin", path, err)
	}
	return 0
}
