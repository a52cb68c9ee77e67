//go:build linux

package bindings

import (
	"github.com/nsh-lua/nsh/bindings/core/netconf"
	lua "github.com/yuin/gopher-lua"
)

func init() {
	Register(&Module{
		Name: "addr",
		Doc: "IPv4 and IPv6 addresses of links, as `ip addr` manages them. Every call takes `ns=` (a netns name, " +
			"a handle or a pid; default: the shell's own network namespace). Records read like `ip -j addr show`: " +
			"`{dev, index, family, address, scope}` with `address` in CIDR form.",
		Funcs: []Func{
			{Name: "add", Args: "(dev, cidr [, {ns=}])", Fn: addrAdd,
				Doc:   "Adds an address such as \"10.0.0.1/24\" or \"fd00::1/64\" to a link; a bare address gets a host prefix.",
				Equiv: "ip addr add CIDR dev DEV",
				Example: `local lab = "ex-addr-" .. math.random(1e6)
netns.add(lab)
addr.add("lo", "10.9.0.1/24", {ns = lab})
print(addr.list("lo", {ns = lab})[1].address)
netns.del(lab)`},
			{Name: "del", Args: "(dev, cidr [, {ns=}])", Fn: addrDel,
				Doc:   "Removes an address from a link.",
				Equiv: "ip addr del CIDR dev DEV",
				Example: `local lab = "ex-addrdel-" .. math.random(1e6)
netns.add(lab)
addr.add("lo", "fd00::1/64", {ns = lab})
addr.del("lo", "fd00::1/64", {ns = lab})
print(#addr.list("lo", {ns = lab}))
netns.del(lab)`},
			{Name: "list", Args: "([dev] [, {ns=}])", Returns: "list of records", Fn: addrList,
				Doc:     "Returns the addresses of one link, or of every link, in both families.",
				Equiv:   "ip -j addr show [dev DEV]",
				Example: `for _, a in ipairs(addr.list("lo")) do print(a.family, a.address, a.scope) end`},
		},
	})
}

// addrAdd is addr.add(dev, cidr [, {ns=}]).
func addrAdd(L *lua.LState) int {
	return addrChange(L, "addr.add", (*netconf.Conn).AddrAdd)
}

// addrDel is addr.del(dev, cidr [, {ns=}]).
func addrDel(L *lua.LState) int {
	return addrChange(L, "addr.del", (*netconf.Conn).AddrDel)
}

func addrChange(L *lua.LState, op string, do func(*netconf.Conn, string, string) error) int {
	dev, cidr := L.CheckString(1), L.CheckString(2)
	if _, err := netconf.ParseCIDR(op, cidr); err != nil {
		L.ArgError(2, err.(*netconf.Error).Err.Error())
	}
	o := checkNetOpts(L, 3, true, "ns")
	c, t := netConn(L, op, 3, o.get("ns"))
	defer t.close()
	if err := do(c, dev, cidr); err != nil {
		return raiseNet(L, op, 1, t, err)
	}
	return 0
}

// addrList is addr.list([dev] [, {ns=}]).
func addrList(L *lua.LState) int {
	const op = "addr.list"
	dev, n := "", 1
	switch v := L.Get(1).(type) {
	case lua.LString:
		dev, n = string(v), 2
	case *lua.LNilType:
		if L.GetTop() >= 2 {
			n = 2
		}
	}
	o := checkNetOpts(L, n, true, "ns")
	c, t := netConn(L, op, n, o.get("ns"))
	defer t.close()
	as, err := c.AddrList(dev)
	if err != nil {
		return raiseNet(L, op, 1, t, err)
	}
	out := L.CreateTable(len(as), 0)
	for _, a := range as {
		r := L.CreateTable(0, 5)
		r.RawSetString("dev", lua.LString(a.Dev))
		r.RawSetString("index", lua.LNumber(a.Index))
		r.RawSetString("family", lua.LString(a.Family))
		r.RawSetString("address", lua.LString(a.Address))
		r.RawSetString("scope", lua.LString(a.Scope))
		out.Append(r)
	}
	L.Push(out)
	return 1
}
