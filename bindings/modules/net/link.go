//go:build linux

package net

import (
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

// nsOpt is the ns= option every net call takes.
var nsOpt = vocab.Opt{Name: "ns", Kind: vocab.Namespace,
	Doc: "the network namespace to act in (any namespace form); default the shell's own"}

// ifname declares an option that names an interface.
func ifname(name, doc string, only ...string) vocab.Opt {
	return vocab.Opt{Name: name, Kind: vocab.Name, MaxLen: vocab.IfNameMax, Check: vocab.IfName, Only: only, Doc: doc}
}

// required marks an option required.
func required(o vocab.Opt) vocab.Opt {
	o.Required = true
	return o
}

// linkAddOpts declares link.add's table: adding a link type adds its
// options here, with Only naming the types they apply to.
var linkAddOpts = &vocab.OptSet{Func: "link.add", Arg: 1, Variant: "type", Opts: []vocab.Opt{
	required(ifname("name", "the new link's name")),
	{Name: "type", Kind: vocab.String, Required: true, Doc: "the link type: bond, bridge, dummy, ifb, ipvlan, macvlan, veth, vlan or vxlan"},
	nsOpt,
	{Name: "mtu", Kind: vocab.Int, Doc: "the MTU"},
	{Name: "address", Kind: vocab.String, Doc: "the MAC address"},
	ifname("master", "the bridge or bond to enslave the link to"),
	{Name: "up", Kind: vocab.Bool, Doc: "bring the link up"},
	{Name: "group", Kind: vocab.Any, Doc: "the device group (a number); for vxlan a string: the multicast group"},
	ifname("peer", "the peer's name (required for veth)", "veth"),
	{Name: "peer_ns", Kind: vocab.Namespace, Only: []string{"veth"}, Doc: "the namespace the peer is born in"},
	ifname("parent", "the lower device", "vlan", "macvlan", "ipvlan"),
	ifname("dev", "the underlay device", "vxlan"),
	{Name: "id", Kind: vocab.Int, Min: 0, Max: 16777215, Only: []string{"vlan", "vxlan"}, Doc: "the vlan id or the VNI"},
	{Name: "mode", Kind: vocab.String, Only: []string{"macvlan", "ipvlan", "bond"}, Doc: "macvlan bridge|vepa|private|passthru|source; ipvlan l2|l3|l3s; bond balance-rr|active-backup|…"},
	{Name: "remote", Kind: vocab.String, Only: []string{"vxlan"}, Doc: "the unicast remote VTEP address"},
	{Name: "local", Kind: vocab.String, Only: []string{"vxlan"}, Doc: "the local VTEP address"},
	{Name: "port", Kind: vocab.Int, Min: 0, Max: 65535, Only: []string{"vxlan"}, Doc: "the UDP destination port"},
}}

var linkSetOpts = &vocab.OptSet{Func: "link.set", Arg: 2, Opts: []vocab.Opt{
	nsOpt,
	{Name: "up", Kind: vocab.Bool, Doc: "bring the link up (true) or down (false)"},
	{Name: "mtu", Kind: vocab.Int, Doc: "the MTU"},
	ifname("master", "the bridge or bond to enslave the link to"),
	{Name: "nomaster", Kind: vocab.Bool, Doc: "release the link from its master"},
	ifname("name", "the new name"),
	{Name: "address", Kind: vocab.String, Doc: "the MAC address"},
	{Name: "group", Kind: vocab.Int, Doc: "the device group"},
	{Name: "move_to", Kind: vocab.Namespace, Doc: "the network namespace to move the link into"},
}}

func nsOnly(fn string, arg int) *vocab.OptSet {
	return &vocab.OptSet{Func: fn, Arg: arg, Opts: []vocab.Opt{nsOpt}}
}

var (
	linkDelOpts  = nsOnly("link.del", 2)
	linkGetOpts  = nsOnly("link.get", 2)
	linkListOpts = nsOnly("link.list", 1)
)

// Link is the link module.
func Link() *vocab.Module {
	return &vocab.Module{
		Name: "link",
		Doc: "Network links over netlink, named as `ip link` names them. Every call takes `ns=`: a netns name " +
			"(as `ip netns` keeps them), a namespace handle, a pid or any other namespace form; without it the call acts in the shell's own " +
			"network namespace. Sockets are opened inside the namespace: no thread moves. Records read like " +
			"`ip -j link show`: `{name, index, type, mtu, state, flags, address, master, peer, group}`.",
		Funcs: append([]vocab.Func{
			{Name: "add", Args: "{name=, type=, ns=, …}", Returns: "index", Fn: linkAdd, Opts: linkAddOpts,
				Doc:   "Creates a link of a type and returns its index; options that do not apply to the type are refused.",
				Equiv: "ip link add NAME type veth peer name P netns NS",
				Example: `local lab = "ex-link-" .. math.random(1e6)
netns.add(lab)
link.add{ns = lab, name = "br0", type = "bridge", up = true}
link.add{ns = lab, name = "v0", type = "veth", peer = "v1", master = "br0", up = true}
print(link.get("v0", {ns = lab}).master)
netns.del(lab)`},
			{Name: "set", Args: "(name, {up=, mtu=, master=, nomaster=, name=, address=, group=, move_to=, ns=})", Fn: linkSet, Opts: linkSetOpts,
				Doc: "Changes a link: brings it up or down, sets MTU, master, name, MAC address or group, or moves it " +
					"into the namespace `move_to`; `ns=` is where the link is now.",
				Equiv: "ip link set DEV up mtu N master BR name NEW address MAC netns NS",
				Example: `local a, b = "ex-set-a" .. math.random(1e6), "ex-set-b" .. math.random(1e6)
netns.add(a); netns.add(b)
link.add{ns = a, name = "x0", type = "veth", peer = "x1"}
link.set("x0", {ns = a, mtu = 1400, name = "y0", up = true})
link.set("x1", {ns = a, move_to = b})
print(link.get("y0", {ns = a}).mtu, link.get("x1", {ns = b}).name)
netns.del(a); netns.del(b)`},
			{Name: "del", Args: "(name [, {ns=}])", Fn: linkDel, Opts: linkDelOpts,
				Doc:   "Deletes a link; deleting one end of a veth pair deletes both.",
				Equiv: "ip link del DEV",
				Example: `local lab = "ex-del-" .. math.random(1e6)
netns.add(lab)
link.add{ns = lab, name = "v0", type = "veth", peer = "v1"}
link.del("v0", {ns = lab})
print(#link.list{ns = lab})
netns.del(lab)`},
			{Name: "get", Args: "(name [, {ns=}])", Returns: "record", Fn: linkGet, Opts: linkGetOpts,
				Doc:     "Returns the record of one link, raising when there is no such link.",
				Equiv:   "ip -j link show dev DEV",
				Example: `local lo = link.get("lo")` + "\n" + `print(lo.name, lo.type, lo.mtu > 0)`},
			{Name: "list", Args: "([{ns=}])", Returns: "list of records", Fn: linkList, Opts: linkListOpts,
				Doc:   "Returns the records of every link of the namespace, ordered by index.",
				Equiv: "ip -j link show",
				Example: `local lab = "ex-list-" .. math.random(1e6)
netns.add(lab)
for _, l in ipairs(link.list{ns = lab}) do print(l.name, l.state) end
netns.del(lab)`},
		}, shapeFuncs...),
	}
}

// where is the Where of an option of an OptSet.
func where(s *vocab.OptSet, opt string) vocab.Where {
	return vocab.Where{Op: s.Func, Arg: s.Arg, Opt: opt}
}

// linkAdd is link.add{…}.
func linkAdd(L *lua.LState) int {
	o := linkAddOpts.Read(L, false)
	s := linkSpec(L, o)
	n := vocab.NetOf(L, where(linkAddOpts, "ns"), o.Get("ns"))
	defer n.Close()
	if o.Has("peer_ns") {
		peer := vocab.NetOf(L, where(linkAddOpts, "peer_ns"), o.Get("peer_ns"))
		defer peer.Close()
		s.PeerNS = peer.Handle.Fd()
	}
	index, err := n.Conn.LinkAdd(s)
	if err != nil {
		return n.Fail(L, "link.add", 1, err)
	}
	L.Push(lua.LNumber(index))
	return 1
}

// linkSpec reads link.add's checked table into a LinkSpec.
func linkSpec(L *lua.LState, o *vocab.Opts) netconf.LinkSpec {
	s := netconf.LinkSpec{
		Name: o.Str("name"), Type: o.Str("type"), MTU: o.Int("mtu"),
		Address: o.Str("address"), Master: o.Str("master"), Peer: o.Str("peer"),
		Parent: o.Str("parent"), ID: o.Int("id"), Mode: o.Str("mode"),
		Remote: o.Str("remote"), Local: o.Str("local"), Port: o.Int("port"),
		Up: o.Bool("up", false),
	}
	types := netconf.LinkTypes()
	if !contains(types, s.Type) {
		vocab.OptionError(L, "link.add", 1, "type", "unknown link type '"+vocab.Clip(s.Type)+"'"+
			vocab.Suggest(s.Type, types)+": must be one of "+strings.Join(types, ", "))
	}
	switch g := o.Get("group").(type) {
	case lua.LString:
		if s.Type != "vxlan" {
			o.Fail("group", "must be an integer (a device group), got string")
		}
		s.Mcast = string(g)
	case lua.LNumber:
		if !vocab.IsInteger(float64(g), 0, 4294967295) {
			o.Fail("group", "must be an integer from 0 to 4294967295, got "+vocab.Clip(g.String()))
		}
		s.Group = uint32(g)
	case *lua.LNilType:
	default:
		o.Fail("group", "must be an integer, got "+vocab.TypeName(g))
	}
	if dev := o.Str("dev"); dev != "" {
		s.Parent = dev // vxlan's underlay device
	}
	if s.Type == "veth" && s.Peer == "" {
		o.Fail("peer", "is required for a veth")
	}
	return s
}

// linkSet is link.set(name, {…}).
func linkSet(L *lua.LState) int {
	name := vocab.CheckIfName(L, 1)
	o := linkSetOpts.Read(L, false)
	ch := netconf.LinkChange{Up: o.BoolPtr("up"), MTU: o.Int("mtu"), Master: o.Str("master"),
		Name: o.Str("name"), Address: o.Str("address"), NoMaster: o.Bool("nomaster", false)}
	if o.Has("group") {
		g := uint32(o.Int("group"))
		ch.Group = &g
	}
	n := vocab.NetOf(L, where(linkSetOpts, "ns"), o.Get("ns"))
	defer n.Close()
	if o.Has("move_to") {
		to := vocab.NetOf(L, where(linkSetOpts, "move_to"), o.Get("move_to"))
		defer to.Close()
		ch.MoveTo = to.Handle.Fd()
	}
	if err := n.Conn.LinkSet(name, ch); err != nil {
		return n.Fail(L, "link.set", 2, err)
	}
	return 0
}

// linkDel is link.del(name [, {ns=}]).
func linkDel(L *lua.LState) int {
	name := vocab.CheckIfName(L, 1)
	o := linkDelOpts.Read(L, true)
	n := vocab.NetOf(L, where(linkDelOpts, "ns"), o.Get("ns"))
	defer n.Close()
	if err := n.Conn.LinkDel(name); err != nil {
		return n.Fail(L, "link.del", 1, err)
	}
	return 0
}

// linkGet is link.get(name [, {ns=}]).
func linkGet(L *lua.LState) int {
	name := vocab.CheckIfName(L, 1)
	o := linkGetOpts.Read(L, true)
	n := vocab.NetOf(L, where(linkGetOpts, "ns"), o.Get("ns"))
	defer n.Close()
	l, err := n.Conn.LinkGet(name)
	if err != nil {
		return n.Fail(L, "link.get", 1, err)
	}
	L.Push(linkRecord(L, l))
	return 1
}

// linkList is link.list([{ns=}]).
func linkList(L *lua.LState) int {
	o := linkListOpts.Read(L, true)
	n := vocab.NetOf(L, where(linkListOpts, "ns"), o.Get("ns"))
	defer n.Close()
	ls, err := n.Conn.LinkList()
	if err != nil {
		return n.Fail(L, "link.list", 1, err)
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

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
