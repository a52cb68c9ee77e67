//go:build linux

package bindings

import (
	"github.com/nsh-lua/nsh/bindings/core/netconf"
	lua "github.com/yuin/gopher-lua"
)

func init() {
	Register(&Module{
		Name: "route",
		Doc: "Routes, as `ip route` manages them, IPv4 and IPv6. Every call takes `ns=` (a netns name, a handle " +
			"or a pid; default: the shell's own network namespace). Records read like `ip -j route show`: " +
			"`{dst, via, dev, src, table, metric, protocol, scope, family}`; `dst` is \"default\" or a prefix.",
		Funcs: []Func{
			{Name: "add", Args: "{dst=, via=, dev=, src=, table=, metric=, ns=}", Fn: routeAdd,
				Doc:   "Adds a route to a prefix, a host address or \"default\", through a gateway, a device or both.",
				Equiv: "ip route add DST via GW dev DEV src SRC table T metric M",
				Example: `local lab = "ex-route-" .. math.random(1e6)
netns.add(lab)
link.set("lo", {ns = lab, up = true})
route.add{ns = lab, dst = "10.7.0.0/16", dev = "lo"}
print(route.list{ns = lab}[1].dst)
netns.del(lab)`},
			{Name: "del", Args: "{dst=, via=, dev=, table=, metric=, ns=}", Fn: routeDel,
				Doc:   "Deletes the route that matches the given fields.",
				Equiv: "ip route del DST [via GW] [dev DEV] [table T]",
				Example: `local lab = "ex-routedel-" .. math.random(1e6)
netns.add(lab)
link.set("lo", {ns = lab, up = true})
route.add{ns = lab, dst = "10.7.0.0/16", dev = "lo"}
route.del{ns = lab, dst = "10.7.0.0/16", dev = "lo"}
print(#route.list{ns = lab})
netns.del(lab)`},
			{Name: "list", Args: "([{table=, dev=, ns=}])", Returns: "list of records", Fn: routeList,
				Doc:     "Returns the routes of a table (default main) in both families, optionally only those through one device.",
				Equiv:   "ip -j route show [table T] [dev DEV]",
				Example: `for _, r in ipairs(route.list()) do print(r.dst, r.via or "-", r.dev) end`},
			{Name: "get", Args: "(dst [, {ns=}])", Returns: "record", Fn: routeGet,
				Doc:     "Returns the route the kernel would use to reach an address.",
				Equiv:   "ip -j route get ADDRESS",
				Example: `print(route.get("127.0.0.1").dev)`},
		},
	})
}

var routeOpts = []string{"dst", "via", "dev", "src", "table", "metric", "ns"}

func routeSpec(o *netOpts) netconf.RouteSpec {
	return netconf.RouteSpec{Dst: o.required("dst"), Via: o.str("via"), Dev: o.str("dev"), Src: o.str("src"),
		Table: o.integer("table"), Metric: o.integer("metric")}
}

// routeAdd is route.add{…}.
func routeAdd(L *lua.LState) int {
	return routeChange(L, "route.add", (*netconf.Conn).RouteAdd)
}

// routeDel is route.del{…}.
func routeDel(L *lua.LState) int {
	return routeChange(L, "route.del", (*netconf.Conn).RouteDel)
}

func routeChange(L *lua.LState, op string, do func(*netconf.Conn, netconf.RouteSpec) error) int {
	o := checkNetOpts(L, 1, false, routeOpts...)
	s := routeSpec(o)
	c, t := netConn(L, op, 1, o.get("ns"))
	defer t.close()
	if err := do(c, s); err != nil {
		return raiseNet(L, op, 1, t, err)
	}
	return 0
}

// routeList is route.list([{table=, dev=, ns=}]).
func routeList(L *lua.LState) int {
	const op = "route.list"
	o := checkNetOpts(L, 1, true, "table", "dev", "ns")
	table, dev := o.integer("table"), o.str("dev")
	c, t := netConn(L, op, 1, o.get("ns"))
	defer t.close()
	rs, err := c.RouteList(table, dev)
	if err != nil {
		return raiseNet(L, op, 1, t, err)
	}
	pushRoutes(L, rs)
	return 1
}

// routeGet is route.get(dst [, {ns=}]).
func routeGet(L *lua.LState) int {
	const op = "route.get"
	dst := L.CheckString(1)
	o := checkNetOpts(L, 2, true, "ns")
	c, t := netConn(L, op, 2, o.get("ns"))
	defer t.close()
	rs, err := c.RouteGet(dst)
	if err != nil {
		return raiseNet(L, op, 1, t, err)
	}
	if len(rs) == 0 {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(routeRecord(L, rs[0]))
	return 1
}

func pushRoutes(L *lua.LState, rs []netconf.Route) {
	out := L.CreateTable(len(rs), 0)
	for _, r := range rs {
		out.Append(routeRecord(L, r))
	}
	L.Push(out)
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
