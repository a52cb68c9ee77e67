//go:build linux

package net

import (
	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

var (
	addrAddOpts  = nsOnly("addr.add", 3)
	addrDelOpts  = nsOnly("addr.del", 3)
	addrListOpts = nsOnly("addr.list", 2)
)

// Addr is the addr module.
func Addr() *vocab.Module {
	return &vocab.Module{
		Name: "addr",
		Doc: "IPv4 and IPv6 addresses of links, as `ip addr` manages them. Every call takes `ns=` (any namespace form; " +
			"default: the shell's own network namespace). Records read like `ip -j addr show`: " +
			"`{dev, index, family, address, scope}` with `address` in CIDR form.",
		Funcs: []vocab.Func{
			{Name: "add", Args: "(dev, cidr [, {ns=}])", Fn: addrAdd, Opts: addrAddOpts,
				Doc:   "Adds an address such as \"10.0.0.1/24\" or \"fd00::1/64\" to a link; a bare address gets a host prefix.",
				Equiv: "ip addr add CIDR dev DEV",
				Example: `local lab = "ex-addr-" .. math.random(1e6)
netns.add(lab)
addr.add("lo", "10.9.0.1/24", {ns = lab})
print(addr.list("lo", {ns = lab})[1].address)
netns.del(lab)`},
			{Name: "del", Args: "(dev, cidr [, {ns=}])", Fn: addrDel, Opts: addrDelOpts,
				Doc:   "Removes an address from a link.",
				Equiv: "ip addr del CIDR dev DEV",
				Example: `local lab = "ex-addrdel-" .. math.random(1e6)
netns.add(lab)
addr.add("lo", "fd00::1/64", {ns = lab})
addr.del("lo", "fd00::1/64", {ns = lab})
print(#addr.list("lo", {ns = lab}))
netns.del(lab)`},
			{Name: "list", Args: "([dev] [, {ns=}])", Returns: "list of records", Fn: addrList, Opts: addrListOpts,
				Doc:     "Returns the addresses of one link, or of every link, in both families.",
				Equiv:   "ip -j addr show [dev DEV]",
				Example: `for _, a in ipairs(addr.list("lo")) do print(a.family, a.address, a.scope) end`},
		},
	}
}

// addrAdd is addr.add(dev, cidr [, {ns=}]).
func addrAdd(L *lua.LState) int {
	return addrChange(L, addrAddOpts, (*netconf.Conn).AddrAdd)
}

// addrDel is addr.del(dev, cidr [, {ns=}]).
func addrDel(L *lua.LState) int {
	return addrChange(L, addrDelOpts, (*netconf.Conn).AddrDel)
}

func addrChange(L *lua.LState, s *vocab.OptSet, do func(*netconf.Conn, string, string) error) int {
	dev := vocab.CheckIfName(L, 1)
	cidr := vocab.CheckString(L, 2)
	if _, err := netconf.ParseCIDR(s.Func, cidr); err != nil {
		vocab.ArgError(L, s.Func, 2, err.(*netconf.Error).Err.Error())
	}
	o := s.Read(L, true)
	n := vocab.NetOf(L, where(s, "ns"), o.Get("ns"))
	defer n.Close()
	if err := do(n.Conn, dev, cidr); err != nil {
		return n.Fail(L, s.Func, 1, err)
	}
	return 0
}

// addrList is addr.list([dev] [, {ns=}]).
func addrList(L *lua.LState) int {
	dev, set := "", addrListOpts
	switch L.Get(1).(type) {
	case lua.LString:
		dev = vocab.CheckIfName(L, 1)
	case *lua.LNilType:
	case *lua.LTable:
		set = nsOnly("addr.list", 1) // addr.list{ns=…}: no device
	default:
		vocab.ArgError(L, set.Func, 1, "device name or options table expected, got "+vocab.TypeName(L.Get(1)))
	}
	o := set.Read(L, true)
	n := vocab.NetOf(L, where(set, "ns"), o.Get("ns"))
	defer n.Close()
	as, err := n.Conn.AddrList(dev)
	if err != nil {
		return n.Fail(L, set.Func, 1, err)
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
