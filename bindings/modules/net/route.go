//go:build linux

package net

import (
	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

func routeOpts(fn string) *vocab.OptSet {
	return &vocab.OptSet{Func: fn, Arg: 1, Opts: []vocab.Opt{
		nsOpt,
		{Name: "dst", Kind: vocab.String, Required: true, Doc: "a prefix, a host address or \"default\""},
		{Name: "via", Kind: vocab.String, Doc: "the gateway"},
		{Name: "dev", Kind: vocab.Name, MaxLen: vocab.IfNameMax, Check: vocab.IfName, Doc: "the output device"},
		{Name: "src", Kind: vocab.String, Doc: "the preferred source address"},
		{Name: "table", Kind: vocab.Int, Doc: "the routing table (default main)"},
		{Name: "metric", Kind: vocab.Int, Doc: "the route's metric"},
	}}
}

var (
	routeAddOpts  = routeOpts("route.add")
	routeDelOpts  = routeOpts("route.del")
	routeListOpts = &vocab.OptSet{Func: "route.list", Arg: 1, Opts: []vocab.Opt{
		nsOpt,
		{Name: "table", Kind: vocab.Int, Doc: "the routing table (default main)"},
		{Name: "dev", Kind: vocab.Name, MaxLen: vocab.IfNameMax, Check: vocab.IfName, Doc: "only routes through this device"},
	}}
	routeGetOpts = nsOnly("route.get", 2)
)

// Route is the route module.
func Route() *vocab.Module {
	return &vocab.Module{
		Name: "route",
		Doc: "Routes, as `ip route` manages them, IPv4 and IPv6. Every call takes `ns=` (any namespace form; " +
			"default: the shell's own network namespace). Records read like `ip -j route show`: " +
			"`{dst, via, dev, src, table, metric, protocol, scope, family}`; `dst` is \"default\" or a prefix.",
		Funcs: []vocab.Func{
			{Name: "add", Args: "{dst=, via=, dev=, src=, table=, metric=, ns=}", Fn: routeAdd, Opts: routeAddOpts,
				Doc:   "Adds a route to a prefix, a host address or \"default\", through a gateway, a device or both.",
				Equiv: "ip route add DST via GW dev DEV src SRC table T metric M",
				Example: `local lab = "ex-route-" .. math.random(1e6)
netns.add(lab)
link.set("lo", {ns = lab, up = true})
route.add{ns = lab, dst = "10.7.0.0/16", dev = "lo"}
print(route.list{ns = lab}[1].dst)
netns.del(lab)`},
			{Name: "del", Args: "{dst=, via=, dev=, table=, metric=, ns=}", Fn: routeDel, Opts: routeDelOpts,
				Doc:   "Deletes the route that matches the given fields.",
				Equiv: "ip route del DST [via GW] [dev DEV] [table T]",
				Example: `local lab = "ex-routedel-" .. math.random(1e6)
netns.add(lab)
link.set("lo", {ns = lab, up = true})
route.add{ns = lab, dst = "10.7.0.0/16", dev = "lo"}
route.del{ns = lab, dst = "10.7.0.0/16", dev = "lo"}
print(#route.list{ns = lab})
netns.del(lab)`},
			{Name: "list", Args: "([{table=, dev=, ns=}])", Returns: "list of records", Fn: routeList, Opts: routeListOpts,
				Doc:     "Returns the routes of a table (default main) in both families, optionally only those through one device.",
				Equiv:   "ip -j route show [table T] [dev DEV]",
				Example: `for _, r in ipairs(route.list()) do print(r.dst, r.via or "-", r.dev) end`},
			{Name: "get", Args: "(dst [, {ns=}])", Returns: "record", Fn: routeGet, Opts: routeGetOpts,
				Doc:     "Returns the route the kernel would use to reach an address.",
				Equiv:   "ip -j route get ADDRESS",
				Example: `print(route.get("127.0.0.1").dev)`},
		},
	}
}

// routeAdd is route.add{…}.
func routeAdd(L *lua.LState) int {
	return routeChange(L, routeAddOpts, (*netconf.Conn).RouteAdd)
}

// routeDel is route.del{…}.
func routeDel(L *lua.LState) int {
	return routeChange(L, routeDelOpts, (*netconf.Conn).RouteDel)
}

func routeChange(L *lua.LState, s *vocab.OptSet, do func(*netconf.Conn, netconf.RouteSpec) error) int {
	o := s.Read(L, false)
	spec := netconf.RouteSpec{Dst: o.Str("dst"), Via: o.Str("via"), Dev: o.Str("dev"), Src: o.Str("src"),
		Table: o.Int("table"), Metric: o.Int("metric")}
	n := vocab.NetOf(L, where(s, "ns"), o.Get("ns"))
	defer n.Close()
	if err := do(n.Conn, spec); err != nil {
		return n.Fail(L, s.Func, 1, err)
	}
	return 0
}

// routeList is route.list([{table=, dev=, ns=}]).
func routeList(L *lua.LState) int {
	o := routeListOpts.Read(L, true)
	n := vocab.NetOf(L, where(routeListOpts, "ns"), o.Get("ns"))
	defer n.Close()
	rs, err := n.Conn.RouteList(o.Int("table"), o.Str("dev"))
	if err != nil {
		return n.Fail(L, "route.list", 1, err)
	}
	out := L.CreateTable(len(rs), 0)
	for _, r := range rs {
		out.Append(routeRecord(L, r))
	}
	L.Push(out)
	return 1
}

// routeGet is route.get(dst [, {ns=}]).
func routeGet(L *lua.LState) int {
	dst := vocab.CheckString(L, 1)
	o := routeGetOpts.Read(L, true)
	n := vocab.NetOf(L, where(routeGetOpts, "ns"), o.Get("ns"))
	defer n.Close()
	rs, err := n.Conn.RouteGet(dst)
	if err != nil {
		return n.Fail(L, "route.get", 1, err)
	}
	if len(rs) == 0 {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(routeRecord(L, rs[0]))
	return 1
}

func routeRecord(L *lua.LState, r netconf.Route) *lua.LTable {
	t := L.CreateTable(0, 9)
	t.RawSetString("dst", lua.LString(r.Dst))
	setNonEmpty(t, "via", r.Via)
	setNonEmpty(t, "dev", r.Dev)
	setNonEmpty(t, "src", r.Src)
	t.RawSetString("table", lua.LNumber(r.Table))
	t.RawSetString("metric", lua.LNumber(r.Metric))
	t.RawSetString("protocol", lua.LString(r.Protocol))
	t.RawSetString("scope", lua.LString(r.Scope))
	t.RawSetString("family", lua.LString(r.Family))
	return t
}
