//go:build linux

package ns

import (
	"fmt"
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

// recordFields are the fields of an ns.list record, for filter checks.
var recordFields = []string{"type", "inode", "id", "nprocs", "pid", "ppid", "command", "uid", "user", "path", "paths", "netnsid", "parent", "owner"}

// nsList is ns.list([filter]).
func nsList(L *lua.LState) int {
	opts, keep := listFilter(L, 1)
	list, err := nsfs.List(opts)
	if err != nil {
		return raiseNS(L, "ns.list", "", err)
	}
	out := L.CreateTable(len(list), 0)
	for _, n := range list {
		rec := nsRecord(L, n)
		if keep == nil || keep(rec) {
			out.Append(rec)
		}
	}
	L.Push(out)
	return 1
}

// listFilter reads argument n: nil, a type name, a table of field values
// or a predicate. It returns the listing options (a type narrows the scan
// itself) and a record test, nil when every record is kept.
func listFilter(L *lua.LState, n int) (nsfs.ListOptions, func(*lua.LTable) bool) {
	switch f := L.Get(n).(type) {
	case *lua.LNilType:
		return nsfs.ListOptions{}, nil
	case lua.LString:
		return nsfs.ListOptions{Types: []nsfs.Type{vocab.CheckNSType(L, n)}}, nil
	case *lua.LFunction:
		return nsfs.ListOptions{}, func(rec *lua.LTable) bool {
			L.Push(f)
			L.Push(rec)
			L.Call(1, 1)
			ok := lua.LVAsBool(L.Get(-1))
			L.Pop(1)
			return ok
		}
	case *lua.LTable:
		return tableFilter(L, n, f)
	default:
		L.ArgError(n, "type name, table of field values or function expected, got "+f.Type().String())
		return nsfs.ListOptions{}, nil
	}
}

// tableFilter keeps the records whose fields equal every field of f, but
// for pid: {pid = P} keeps the namespaces process P is in, as lsns -p P
// does (the record's own pid field is the lowest pid in the namespace, the
// column lsns shows).
func tableFilter(L *lua.LState, n int, f *lua.LTable) (nsfs.ListOptions, func(*lua.LTable) bool) {
	var opts nsfs.ListOptions
	f.ForEach(func(k, v lua.LValue) {
		name, ok := k.(lua.LString)
		if !ok || !isRecordField(string(name)) {
			L.ArgError(n, fmt.Sprintf("unknown field %s: must be one of %s", L.ToStringMeta(k), strings.Join(recordFields, ", ")))
		}
		switch v.(type) {
		case lua.LString, lua.LNumber, lua.LBool:
		default: // a record field never equals one of these
			L.ArgError(n, fmt.Sprintf("field %s: string, number or boolean expected, got %s", name, v.Type()))
		}
		if name == "type" {
			t, err := nsfs.ParseType(lua.LVAsString(v))
			if err != nil {
				L.ArgError(n, err.Error())
			}
			opts.Types = []nsfs.Type{t}
		}
	})
	inProc := procFilter(L, n, f.RawGetString("pid"), opts.Types)
	return opts, func(rec *lua.LTable) bool {
		keep := inProc == nil || inProc(rec)
		f.ForEach(func(k, v lua.LValue) {
			if keep && k.String() != "pid" && !L.Equal(rec.RawGet(k), v) {
				keep = false
			}
		})
		return keep
	}
}

// procFilter reads the pid of a filter table: nil when it is not set, else
// the test that a record is one of the process's namespaces.
func procFilter(L *lua.LState, n int, v lua.LValue, types []nsfs.Type) func(*lua.LTable) bool {
	if v == lua.LNil {
		return nil
	}
	pid, ok := vocab.PIDOf(v)
	if !ok {
		L.ArgError(n, "field pid: pid must be a positive integer below 2^31, got "+vocab.Clip(v.String()))
	}
	inos, err := nsfs.ProcNamespaces(pid, types)
	if err != nil {
		raiseNS(L, "ns.list", "", err)
	}
	return func(rec *lua.LTable) bool {
		t := nsfs.Type(lua.LVAsString(rec.RawGetString("type")))
		ino, ok := inos[t]
		return ok && float64(ino) == float64(lua.LVAsNumber(rec.RawGetString("inode")))
	}
}

func isRecordField(name string) bool {
	for _, f := range recordFields {
		if f == name {
			return true
		}
	}
	return false
}

// nsRecord makes the Lua record of a namespace; absent values are nil.
func nsRecord(L *lua.LState, n *nsfs.Namespace) *lua.LTable {
	t := L.CreateTable(0, 14)
	t.RawSetString("type", lua.LString(n.Type))
	t.RawSetString("inode", lua.LNumber(n.Inode))
	t.RawSetString("nprocs", lua.LNumber(n.NProcs))
	setNonZero(t, "id", n.ID)
	setNonZero(t, "parent", n.Parent)
	setNonZero(t, "owner", n.Owner)
	if n.PID != 0 {
		t.RawSetString("pid", lua.LNumber(n.PID))
		t.RawSetString("ppid", lua.LNumber(n.PPID))
		t.RawSetString("command", lua.LString(n.Command))
	}
	if n.UID >= 0 {
		t.RawSetString("uid", lua.LNumber(n.UID))
		t.RawSetString("user", lua.LString(n.User))
	}
	if n.NetNSID >= 0 {
		t.RawSetString("netnsid", lua.LNumber(n.NetNSID))
	}
	paths := L.CreateTable(len(n.Paths), 0)
	for _, p := range n.Paths {
		paths.Append(lua.LString(p))
	}
	t.RawSetString("paths", paths)
	if len(n.Paths) > 0 {
		t.RawSetString("path", lua.LString(n.Paths[0]))
	}
	return t
}

func setNonZero(t *lua.LTable, key string, v uint64) {
	if v != 0 {
		t.RawSetString(key, lua.LNumber(v))
	}
}

const treeMeta = "nsh.ns.tree"

// nsTree is ns.tree([by]).
func nsTree(L *lua.LState) int {
	by := L.OptString(1, "owner")
	if by != "owner" && by != "parent" && by != "process" {
		L.ArgError(1, fmt.Sprintf("invalid relation %q: must be one of owner, parent, process", by))
	}
	list, err := nsfs.List(nsfs.ListOptions{})
	if err != nil {
		return raiseNS(L, "ns.tree", "", err)
	}
	roots := L.CreateTable(0, 0)
	for _, node := range buildTree(list, by) {
		roots.Append(treeTable(L, node))
	}
	L.SetMetatable(roots, treeMetatable(L))
	L.Push(roots)
	return 1
}

// treeNode is a namespace with the namespaces under it.
type treeNode struct {
	ns       *nsfs.Namespace
	children []*treeNode
}

// buildTree arranges namespaces by relation: "owner" puts each under its
// owning user namespace, "parent" under its parent (pid, user), "process"
// under the namespace of the same type whose lowest process is the parent
// of its own lowest process, as lsns --tree does.
func buildTree(list []*nsfs.Namespace, by string) []*treeNode {
	nodes := make([]*treeNode, len(list))
	byIno := map[uint64]*treeNode{}
	byPID := map[string]*treeNode{}
	for i, n := range list {
		nodes[i] = &treeNode{ns: n}
		byIno[n.Inode] = nodes[i]
		if n.PID != 0 {
			byPID[fmt.Sprint(n.Type, n.PID)] = nodes[i]
		}
	}
	var roots []*treeNode
	for _, node := range nodes {
		up := treeUp(node.ns, by, byIno, byPID)
		if up == nil || up == node {
			roots = append(roots, node)
			continue
		}
		up.children = append(up.children, node)
	}
	return roots
}

func treeUp(n *nsfs.Namespace, by string, byIno map[uint64]*treeNode, byPID map[string]*treeNode) *treeNode {
	switch by {
	case "owner":
		if n.Type == nsfs.User {
			return byIno[n.Parent]
		}
		return byIno[n.Owner]
	case "parent":
		return byIno[n.Parent]
	default:
		if n.PPID == 0 {
			return nil
		}
		return byPID[fmt.Sprint(n.Type, n.PPID)]
	}
}

func treeTable(L *lua.LState, node *treeNode) *lua.LTable {
	t := nsRecord(L, node.ns)
	kids := L.CreateTable(len(node.children), 0)
	for _, c := range node.children {
		kids.Append(treeTable(L, c))
	}
	t.RawSetString("children", kids)
	return t
}

func treeMetatable(L *lua.LState) *lua.LTable {
	mt := L.NewTypeMetatable(treeMeta)
	L.SetField(mt, "__tostring", L.NewFunction(treeString))
	return mt
}

// treeString renders a tree like lsns --tree: one line per namespace.
func treeString(L *lua.LState) int {
	var b strings.Builder
	roots := L.CheckTable(1)
	n := roots.Len()
	for i := 1; i <= n; i++ {
		if t, ok := roots.RawGetInt(i).(*lua.LTable); ok {
			writeTreeNode(&b, t, "", "")
		}
	}
	L.Push(lua.LString(strings.TrimRight(b.String(), "\n")))
	return 1
}

func writeTreeNode(b *strings.Builder, t *lua.LTable, first, rest string) {
	fmt.Fprintf(b, "%s%s:[%s] %s procs", first, lua.LVAsString(t.RawGetString("type")),
		lua.LVAsString(t.RawGetString("inode")), lua.LVAsString(t.RawGetString("nprocs")))
	if pid := t.RawGetString("pid"); pid != lua.LNil {
		fmt.Fprintf(b, "  pid %s  %s", lua.LVAsString(pid), vocab.Printable(lua.LVAsString(t.RawGetString("command"))))
	} else if p := t.RawGetString("path"); p != lua.LNil {
		fmt.Fprintf(b, "  pinned at %s", vocab.Printable(lua.LVAsString(p)))
	}
	b.WriteByte('\n')
	kids, _ := t.RawGetString("children").(*lua.LTable)
	if kids == nil {
		return
	}
	n := kids.Len()
	for i := 1; i <= n; i++ {
		c, ok := kids.RawGetInt(i).(*lua.LTable)
		if !ok {
			continue
		}
		if i == n {
			writeTreeNode(b, c, rest+"└─", rest+"  ")
		} else {
			writeTreeNode(b, c, rest+"├─", rest+"│ ")
		}
	}
}
