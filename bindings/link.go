//go:build linux

package bindings

import (
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	lua "github.com/yuin/gopher-lua"
)

func init() {
	Register(&Module{
		Name: "link",
		Doc: "Network links over netlink, named as `ip link` names them. Every call takes `ns=`: a netns name " +
			"(as `ip netns` keeps them), a namespace handle or a pid; without it the call acts in the shell's own " +
			"network namespace. Sockets are opened inside the namespace: no thread moves. Records read like " +
			"`ip -j link show`: `{name, index, type, mtu, state, flags, address, master, peer, group}`.",
		Funcs: []Func{
			{Name: "add", Args: "{name=, type=, ns=, …}", Returns: "index", Fn: linkAdd,
				Doc: "Creates a link: `type` is veth (`peer=`, `peer_ns=`: the peer is born inside that namespace), bridge, " +
					"vxlan (`id=`, `remote=` or `group=`, `local=`, `port=`, `dev=`), macvlan or ipvlan (`parent=`, `mode=`), " +
					"vlan (`parent=`, `id=`), ifb, dummy or bond (`mode=`); every type takes `mtu=`, `address=`, `master=`, `up=` and `group=` (a number); returns the new link's index.",
				Equiv: "ip link add NAME type veth peer name P netns NS",
				Example: `local lab = "ex-link-" .. math.random(1e6)
netns.add(lab)
link.add{ns = lab, name = "br0", type = "bridge", up = true}
link.add{ns = lab, name = "v0", type = "veth", peer = "v1", master = "br0", up = true}
print(link.get("v0", {ns = lab}).master)
netns.del(lab)`},
			{Name: "set", Args: "(name, {up=, mtu=, master=, nomaster=, name=, address=, group=, move_to=, ns=})", Fn: linkSet,
				Doc: "Changes a link: brings it up or down, sets MTU, master, name, MAC address or group, or moves it " +
					"into the namespace `move_to` (a netns name, handle or pid); `ns=` is where the link is now.",
				Equiv: "ip link set DEV up mtu N master BR name NEW address MAC netns NS",
				Example: `local a, b = "ex-set-a" .. math.random(1e6), "ex-set-b" .. math.random(1e6)
netns.add(a); netns.add(b)
link.add{ns = a, name = "x0", type = "veth", peer = "x1"}
link.set("x0", {ns = a, mtu = 1400, name = "y0", up = true})
link.set("x1", {ns = a, move_to = b})
print(link.get("y0", {ns = a}).mtu, link.get("x1", {ns = b}).name)
netns.del(a); netns.del(b)`},
			{Name: "del", Args: "(name [, {ns=}])", Fn: linkDel,
				Doc:   "Deletes a link; deleting one end of a veth pair deletes both.",
				Equiv: "ip link del DEV",
				Example: `local lab = "ex-del-" .. math.random(1e6)
netns.add(lab)
link.add{ns = lab, name = "v0", type = "veth", peer = "v1"}
link.del("v0", {ns = lab})
print(#link.list{ns = lab})
netns.del(lab)`},
			{Name: "get", Args: "(name [, {ns=}])", Returns: "record", Fn: linkGet,
				Doc:     "Returns the record of one link, raising when there is no such link.",
				Equiv:   "ip -j link show dev DEV",
				Example: `local lo = link.get("lo")` + "\n" + `print(lo.name, lo.type, lo.mtu > 0)`},
			{Name: "list", Args: "([{ns=}])", Returns: "list of records", Fn: linkList,
				Doc:   "Returns the records of every link of the namespace, ordered by index.",
				Equiv: "ip -j link show",
				Example: `local lab = "ex-list-" .. math.random(1e6)
netns.add(lab)
for _, l in ipairs(link.list{ns = lab}) do print(l.name, l.state) end
netns.del(lab)`},
		},
	})
}

var linkAddOpts = []string{"name", "type", "ns", "mtu", "address", "master", "up", "group",
	"peer", "peer_ns", "parent", "id", "mode", "remote", "local", "port", "dev"}

// linkAdd is link.add{…}.
func linkAdd(L *lua.LState) int {
	const op = "link.add"
	o := checkNetOpts(L, 1, false, linkAddOpts...)
	s := linkSpec(L, o)
	c, t := netConn(L, op, 1, o.get("ns"))
	defer t.close()
	if peerNS := o.get("peer_ns"); peerNS != lua.LNil {
		pt := resolveNetTarget(L, op, 1, peerNS)
		defer pt.close()
		s.PeerNS = pt.fd
	}
	index, err := c.LinkAdd(s)
	if err != nil {
		return raiseNet(L, op, 1, t, err)
	}
	L.Push(lua.LNumber(index))
	return 1
}

// linkSpec reads link.add's table into a LinkSpec.
func linkSpec(L *lua.LState, o *netOpts) netconf.LinkSpec {
	s := netconf.LinkSpec{
		Name: o.required("name"), Type: o.required("type"), MTU: o.integer("mtu"),
		Address: o.str("address"), Master: o.str("master"), Peer: o.str("peer"),
		Parent: o.str("parent"), ID: o.integer("id"), Mode: o.str("mode"),
		Remote: o.str("remote"), Local: o.str("local"), Port: o.integer("port"),
	}
	if !netOptKnown(netconf.LinkTypes(), s.Type) {
		L.ArgError(1, "unknown link type '"+s.Type+"': must be one of "+strings.Join(netconf.LinkTypes(), ", "))
	}
	if up := o.boolean("up"); up != nil {
		s.Up = *up
	}
	switch g := o.get("group").(type) {
	case lua.LString: // vxlan's multicast group, as iproute2 calls it
		s.Mcast = string(g)
	case *lua.LNilType:
	default:
		s.Group = uint32(o.integer("group"))
	}
	if dev := o.str("dev"); dev != "" {
		s.Parent = dev // vxlan's underlay device
	}
	if s.Type == "veth" && s.Peer == "" {
		L.ArgError(1, "option 'peer' is required for a veth")
	}
	return s
}

// linkSet is link.set(name, {…}).
func linkSet(L *lua.LState) int {
	const op = "link.set"
	name := L.CheckString(1)
	o := checkNetOpts(L, 2, false, "up", "mtu", "master", "nomaster", "name", "address", "group", "move_to", "ns")
	ch := netconf.LinkChange{Up: o.boolean("up"), MTU: o.integer("mtu"), Master: o.str("master"),
		Name: o.str("name"), Address: o.str("address")}
	if nm := o.boolean("nomaster"); nm != nil {
		ch.NoMaster = *nm
	}
	if o.get("group") != lua.LNil {
		g := uint32(o.integer("group"))
		ch.Group = &g
	}
	c, t := netConn(L, op, 2, o.get("ns"))
	defer t.close()
	if to := o.get("move_to"); to != lua.LNil {
		mt := resolveNetTarget(L, op, 2, to)
		defer mt.close()
		ch.MoveTo = mt.fd
	}
	if err := c.LinkSet(name, ch); err != nil {
		return raiseNet(L, op, 2, t, err)
	}
	return 0
}

// linkDel is link.del(name [, {ns=}]).
func linkDel(L *lua.LState) int {
	const op = "link.del"
	name := L.CheckString(1)
	o := checkNetOpts(L, 2, true, "ns")
	c, t := netConn(L, op, 2, o.get("ns"))
	defer t.close()
	if err := c.LinkDel(name); err != nil {
		return raiseNet(L, op, 1, t, err)
	}
	return 0
}

// linkGet is link.get(name [, {ns=}]).
func linkGet(L *lua.LState) int {
	const op = "link.get"
	name := L.CheckString(1)
	o := checkNetOpts(L, 2, true, "ns")
	c, t := netConn(L, op, 2, o.get("ns"))
	defer t.close()
	l, err := c.LinkGet(name)
	if err != nil {
		return raiseNet(L, op, 1, t, err)
	}
	L.Push(linkRecord(L, l))
	return 1
}

// linkList is link.list([{ns=}]).
func linkList(L *lua.LState) int {
	const op = "link.list"
	o := checkNetOpts(L, 1, true, "ns")
	c, t := netConn(L, op, 1, o.get("ns"))
	defer t.close()
	ls, err := c.LinkList()
	if err != nil {
		return raiseNet(L, op, 1, t, err)
	}
	out := L.CreateTable(len(ls), 0)
	for _, l := range ls {
		out.Append(linkRecord(L, l))
	}
	L.Push(out)
	return 1
}

func linkRecord(L *lua.LState, l netconf.Link) *lua.LTable {
	t := L.CreateTable(0, 10)
	t.RawSetString("name", lua.LString(l.Name))
	t.RawSetString("index", lua.LNumber(l.Index))
	t.RawSetString("type", lua.LString(l.Type))
	t.RawSetString("mtu", lua.LNumber(l.MTU))
	t.RawSetString("state", lua.LString(l.State))
	flags := L.CreateTable(len(l.Flags), 0)
	for _, f := range l.Flags {
		flags.Append(lua.LString(f))
	}
	t.RawSetString("flags", flags)
	t.RawSetString("group", lua.LNumber(l.Group))
	setNonEmpty(t, "address", l.Address)
	setNonEmpty(t, "master", l.Master)
	setNonEmpty(t, "peer", l.Peer)
	return t
}

// setNonEmpty sets t[key] = s unless s is empty.
func setNonEmpty(t *lua.LTable, key, s string) {
	if s != "" {
		t.RawSetString(key, lua.LString(s))
	}
}
