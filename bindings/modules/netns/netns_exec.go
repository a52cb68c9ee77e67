//go:build linux

package netns

import (
	"errors"
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	"github.com/nsh-lua/nsh/bindings/modules/ns"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

func execFuncs() []vocab.Func {
	return []vocab.Func{
		{Name: "exec", Args: "(name, argv… | {argv…, …})", Targets: []int{1}, Returns: "{code=, signal=, stdout=, stderr=}", Fn: netnsExec, Opts: ns.SpawnOpts("netns.exec", 2, ns.ArgvList),
			Doc: "Runs a command as `ip netns exec` does (in the named network namespace and a new mount namespace with / a recursive slave, " +
				"a fresh /sys, and each /etc/netns/NAME/* bound over /etc/*) on the shell's stdin, stdout and stderr, waits for it and returns {code=, signal=} like ns.run; " +
				"a table takes ns.run's options, capture = true among them to collect stdout and stderr as strings.",
			Equiv: "ip netns exec NAME CMD…",
			Example: exampleName + `netns.add(name):close()
local r = netns.exec(name, "ip", "-o", "link")
assert(r.code == 0)
r = netns.exec(name, {"ls", "/sys/class/net", capture = true})
assert(r.stdout == "lo\n")
netns.del(name)`},
		{Name: "with", Args: "(name, fn, …)", Targets: []int{1}, Returns: "fn's results", Fn: netnsWith,
			Doc:   "Calls fn(…) with the shell inside the named network namespace, as ns.with does, and returns its results.",
			Equiv: "nsenter --net=/run/netns/NAME CMD",
			Example: exampleName + `netns.add(name):close()
local links = netns.with(name, function()
  return io.popen("ip -o link"):read("*a")
end)
assert(links:match("^1: lo:"))
netns.del(name)`, Thread: true},
	}
}

// netnsExec is netns.exec(name, argv…) or netns.exec(name, {argv…, opts}):
// ns.run's options and result, with the spec completed by netns.ExecSpec.
func netnsExec(L *lua.LState) int {
	name := checkNetnsName(L, "netns.exec", 1)
	execOptions(L)
	req := ns.ReadSpawn(L, "netns.exec", 2, ns.Run)
	spec, h, err := netns.ExecSpec(name, req.Spec)
	if err != nil {
		req.Release()
		if errors.Is(err, spawn.ErrBadSpec) {
			vocab.ArgError(L, "netns.exec", 2, strings.TrimPrefix(errors.Unwrap(err).Error(), spawn.ErrBadSpec.Error()+": "))
		}
		return raiseNetns(L, "exec", name, err)
	}
	defer h.Close() // also when startFromLua raises
	req.Spec = spec
	return ns.RunCaptured(L, "netns.exec", name, req)
}

// execOptions returns the options table of netns.exec at argument 2,
// first building it from the arguments when they are the argv itself.
func execOptions(L *lua.LState) *lua.LTable {
	if tb, ok := L.Get(2).(*lua.LTable); ok && L.GetTop() == 2 {
		return tb
	}
	tb := L.CreateTable(L.GetTop()-1, 0)
	for i := 2; i <= L.GetTop(); i++ {
		switch v := L.Get(i).(type) {
		case lua.LString, lua.LNumber:
			tb.Append(v)
		default:
			vocab.ArgError(L, "netns.exec", i, "string expected, got "+vocab.TypeName(v))
		}
	}
	if tb.Len() == 0 {
		vocab.ArgError(L, "netns.exec", 2, "no command given")
	}
	L.SetTop(1)
	L.Push(tb)
	return tb
}

// netnsWith is netns.with(name, fn, …): ns.with with the named namespace
// as the target.
func netnsWith(L *lua.LState) int {
	name := checkNetnsName(L, "netns.with", 1)
	if _, ok := L.Get(2).(*lua.LFunction); !ok {
		vocab.ArgError(L, "netns.with", 2, "function expected, got "+vocab.TypeName(L.Get(2)))
	}
	h, err := netns.Get(name)
	if err != nil {
		return raiseNetns(L, "with", name, err)
	}
	defer h.Close() // also when fn raises
	ud := L.NewUserData()
	ud.Value = h
	L.SetMetatable(ud, L.GetTypeMetatable(vocab.HandleMeta))
	L.Replace(1, ud)
	return ns.With(L, "netns.with")
}
