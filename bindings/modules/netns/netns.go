//go:build linux

package netns

import (
	"errors"
	"os"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// Module is the netns module.
func Module() *vocab.Module {
	return &vocab.Module{
		Name: "netns",
		Doc: "Named network namespaces kept the way `ip netns` keeps them (a bind mount on /run/netns/NAME), " +
			"so `ip netns` sees what nsh makes and nsh sees what `ip netns` makes. Names follow iproute2's rules: " +
			"not empty, no '/', not '.' or '..', at most 255 bytes. Nothing here moves the shell's own thread.",
		Funcs: append([]vocab.Func{
			{Name: "add", Args: "(name)", Returns: "handle", Fn: netnsAdd,
				Doc:     "Creates a network namespace named name and returns a handle to it; /run/netns is made a shared mount point first, as iproute2 does.",
				Equiv:   "ip netns add NAME",
				Example: exampleName + "local h = netns.add(name)\nprint(name, h)\nh:close()\nnetns.del(name)"},
			{Name: "del", Args: "(name)", Targets: []int{1}, Fn: netnsDel,
				Doc:     "Removes the name of a network namespace (a lazy unmount, then unlink) and closes the shell's own handles on it (later use raises \"handle closed: namespace deleted\"), so the namespace goes when no other process holds it.",
				Equiv:   "ip netns del NAME",
				Example: exampleName + "netns.add(name):close()\nnetns.del(name)\nassert(not pcall(netns.get, name))"},
			{Name: "del_all", Args: "([prefix])", Returns: "{name…}", Fn: netnsDelAll,
				Doc:     "Removes every named network namespace, or those whose name starts with prefix, and returns the names removed.",
				Equiv:   "ip -all netns del",
				Example: exampleName + "netns.add(name .. \"-a\"):close()\nnetns.add(name .. \"-b\"):close()\nprint(table.concat(netns.del_all(name), \" \"))"},
			{Name: "list", Args: "()", Returns: "{{name=, id=}…}", Fn: netnsList,
				Doc:     "Lists the named network namespaces, sorted by name, each with its nsid as seen from the shell's namespace (nil when none is assigned).",
				Equiv:   "ip netns list",
				Example: exampleName + "netns.add(name):close()\nnetns.set_id(name, 77)\nfor _, e in ipairs(netns.list()) do\n  if e.name == name then print(e.name, e.id) end\nend\nnetns.del(name)"},
			{Name: "get", Args: "(name)", Targets: []int{1}, Returns: "handle", Fn: netnsGet,
				Doc:     "Opens the named network namespace and returns a handle to it.",
				Equiv:   "exec 3</run/netns/NAME",
				Example: exampleName + "netns.add(name):close()\nlocal h = netns.get(name)\nprint(h:type(), h)\nh:close()\nnetns.del(name)"},
			{Name: "set_id", Args: "(name, id | \"auto\")", Targets: []int{1}, Returns: "integer", Fn: netnsSetID,
				Doc:     "Assigns an nsid to the named namespace in the shell's namespace (\"auto\" lets the kernel choose) and returns it.",
				Equiv:   "ip netns set NAME ID",
				Example: exampleName + "netns.add(name):close()\nprint(\"nsid\", netns.set_id(name, \"auto\"))\nnetns.del(name)"},
			{Name: "identify", Args: "([pid])", Returns: "{name…}", Fn: netnsIdentify,
				Doc:     "Returns the names of the network namespace of process pid (default: the shell's own thread).",
				Equiv:   "ip netns identify PID",
				Example: "print(#netns.identify() .. \" names for the shell's network namespace\")"},
			{Name: "pids", Args: "(name)", Targets: []int{1}, Returns: "{pid…}", Fn: netnsPids,
				Doc:     "Lists, ascending, the processes whose network namespace is the named one.",
				Equiv:   "ip netns pids NAME",
				Example: exampleName + "netns.add(name):close()\nassert(#netns.pids(name) == 0)\nnetns.del(name)"},
		}, execFuncs()...),
	}
}

// exampleName starts examples with a name no one else is using.
const exampleName = "local name = \"demo\" .. os.tmpname():match(\"[^/]+$\")\n"

// checkNetnsName returns argument n as a netns name, refusing names that
// break iproute2's rules before anything is touched.
func checkNetnsName(L *lua.LState, op string, n int) string {
	name := vocab.CheckString(L, n)
	if err := netns.ValidateName(name); err != nil {
		vocab.ArgError(L, op, n, err.Error())
	}
	return name
}

// raiseNetns raises a netns package error as "netns.OP: NAME: cause".
func raiseNetns(L *lua.LState, op, name string, err error) int {
	var ne *netns.Error
	if errors.As(err, &ne) {
		name, err = ne.Name, ne.Err
	}
	if errors.Is(err, unix.ENOENT) && op != "add" && name != "" {
		if _, serr := os.Lstat(netns.Path(name)); os.IsNotExist(serr) {
			err = &vocab.Cause{Msg: "no such network namespace", Errno: unix.ENOENT} // "no such network namespace", not a bare ENOENT
		}
	}
	return vocab.Raise(L, "netns."+op, name, err)
}

// netnsAdd is netns.add(name).
func netnsAdd(L *lua.LState) int {
	name := checkNetnsName(L, "netns.add", 1)
	add := netns.Add
	if vocab.Owned(L) { // Lua runs on nsh's locked VM thread
		add = netns.AddFromCaller
	}
	h, err := add(name)
	if err != nil {
		return raiseNetns(L, "add", name, err)
	}
	vocab.PushHandle(L, h)
	return 1
}

// netnsDel is netns.del(name).
func netnsDel(L *lua.LState) int {
	name := checkNetnsName(L, "netns.del", 1)
	id, known := namedID(name)
	if err := netns.Del(name); err != nil {
		return raiseNetns(L, "del", name, err)
	}
	if known {
		vocab.CloseHandlesOn(L, []vocab.NSID{id}, deletedReason)
	}
	return 0
}

// netnsDelAll is netns.del_all().
func netnsDelAll(L *lua.LState) int {
	prefix := ""
	if L.Get(1) != lua.LNil {
		prefix = vocab.CheckString(L, 1)
	}
	ids := namedIDs(prefix)
	names, err := netns.DelAll(prefix)
	gone := make([]vocab.NSID, 0, len(names))
	for _, n := range names {
		if id, ok := ids[n]; ok {
			gone = append(gone, id)
		}
	}
	vocab.CloseHandlesOn(L, gone, deletedReason)
	if err != nil {
		return raiseNetns(L, "del_all", "", err)
	}
	L.Push(netnsStrings(L, names))
	return 1
}

// netnsList is netns.list().
func netnsList(L *lua.LState) int {
	list, err := netns.List()
	if err != nil {
		return raiseNetns(L, "list", netns.Dir, err)
	}
	t := L.CreateTable(len(list), 0)
	for _, e := range list {
		row := L.CreateTable(0, 2)
		row.RawSetString("name", lua.LString(e.Name))
		if e.ID >= 0 {
			row.RawSetString("id", lua.LNumber(e.ID))
		}
		t.Append(row)
	}
	L.Push(t)
	return 1
}

// netnsGet is netns.get(name).
func netnsGet(L *lua.LState) int {
	name := checkNetnsName(L, "netns.get", 1)
	h, err := netns.Get(name)
	if err != nil {
		return raiseNetns(L, "get", name, err)
	}
	vocab.PushHandle(L, h)
	return 1
}

// netnsSetID is netns.set_id(name, id | "auto").
func netnsSetID(L *lua.LState) int {
	name := checkNetnsName(L, "netns.set_id", 1)
	id := -1
	switch v := L.Get(2).(type) {
	case lua.LNumber:
		if !vocab.IsInteger(float64(v), 0, 1<<31-1) {
			vocab.ArgError(L, "netns.set_id", 2, "nsid must be an integer from 0 to 2147483647 or \"auto\"")
		}
		id = int(v)
	case lua.LString:
		if v != "auto" {
			vocab.ArgError(L, "netns.set_id", 2, "nsid must be an integer or \"auto\", got "+vocab.Quote(string(v)))
		}
	default:
		vocab.ArgError(L, "netns.set_id", 2, "nsid must be an integer or \"auto\", got "+vocab.TypeName(v))
	}
	got, err := netns.SetID(name, id)
	if err != nil {
		return raiseNetns(L, "set_id", name, err)
	}
	L.Push(lua.LNumber(got))
	return 1
}

// netnsIdentify is netns.identify([pid]).
func netnsIdentify(L *lua.LState) int {
	pid := 0
	if L.Get(1) != lua.LNil {
		pid = vocab.CheckPID(L, 1)
	}
	names, err := netns.Identify(pid)
	if err != nil {
		return raiseNetns(L, "identify", "", err)
	}
	L.Push(netnsStrings(L, names))
	return 1
}

// netnsPids is netns.pids(name).
func netnsPids(L *lua.LState) int {
	name := checkNetnsName(L, "netns.pids", 1)
	pids, err := netns.Pids(name)
	if err != nil {
		return raiseNetns(L, "pids", name, err)
	}
	t := L.CreateTable(len(pids), 0)
	for _, p := range pids {
		t.Append(lua.LNumber(p))
	}
	L.Push(t)
	return 1
}

// netnsStrings makes a Lua array of strings.
func netnsStrings(L *lua.LState, s []string) *lua.LTable {
	t := L.CreateTable(len(s), 0)
	for _, x := range s {
		t.Append(lua.LString(x))
	}
	return t
}
