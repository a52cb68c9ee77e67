//go:build linux

package net

import (
	"errors"
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

const exampleName = `local name = "ex-sysctl-" .. math.random(1e6)
`

// Net is the net module.
func Net() *vocab.Module {
	return &vocab.Module{
		Name: "net",
		Doc:  "Per-network-namespace kernel settings.",
		Funcs: []vocab.Func{
			{Name: "sysctl", Args: "(key [, value] [, {ns=}])", Returns: "string", Fn: netSysctl,
				Opts: nsOnly("net.sysctl", 2),
				Doc: "Reads a net.* sysctl, or writes value to it and returns the value it had, in the network namespace ns= " +
					"(any namespace form; default the shell's), touching no other namespace.",
				Equiv: "ip netns exec NAME sysctl -w KEY=VALUE",
				Example: exampleName + `netns.add(name):close()
print(net.sysctl("net.ipv4.ip_forward", 1, {ns=name}))    -- the old value: 0
assert(net.sysctl("net.ipv4.ip_forward", {ns=name}) == "1")
netns.del(name)`},
		},
	}
}

// netSysctl is net.sysctl(key [, value] [, {ns=}]).
func netSysctl(L *lua.LState) int {
	const op = "net.sysctl"
	key := vocab.CheckName(L, 1, 0)
	if _, err := netns.SysctlPath(key); err != nil {
		vocab.ArgError(L, op, 1, err.Error())
	}
	optArg := 2
	var value *string
	if _, isTable := L.Get(2).(*lua.LTable); !isTable && L.GetTop() >= 2 {
		v := sysctlValue(L, 2)
		value, optArg = &v, 3
	} else if isTable && L.GetTop() >= 3 {
		// net.sysctl(key, {}, {ns=x}): a table is not a value, and taking it
		// as the options would act in the shell's namespace instead of x.
		vocab.ArgError(L, op, 2, "value must be a string, a number or a boolean, got table")
	}
	set := nsOnly(op, optArg)
	o := set.Read(L, true)
	fd, where := -1, ""
	if o.Has("ns") {
		t, w := vocab.NetNS(L, vocab.Where{Op: op, Arg: optArg, Opt: "ns"}, o.Get("ns"))
		defer t.Close()
		fd, where = t.Handles[0].Fd(), w
	}
	val, err := netns.SysctlAt(fd, key, value)
	if err != nil {
		return raiseSysctl(L, key, where, err)
	}
	L.Push(lua.LString(val))
	return 1
}

// sysctlValue reads argument n as the text to write: a string, an integer,
// or a boolean (1 or 0).
func sysctlValue(L *lua.LState, n int) string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		if msg := vocab.BadName(string(v), 0); msg != "" && string(v) != "" {
			vocab.ArgError(L, "net.sysctl", n, "value "+msg)
		}
		return string(v)
	case lua.LNumber:
		return v.String()
	case lua.LBool:
		if v {
			return "1"
		}
		return "0"
	}
	vocab.ArgError(L, "net.sysctl", n, "value must be a string, a number or a boolean, got "+vocab.TypeName(L.Get(n)))
	return ""
}

// raiseSysctl raises "net.sysctl: KEY: cause", saying which namespace when
// the call acted in another one.
func raiseSysctl(L *lua.LState, key, where string, err error) int {
	var ne *netns.Error
	if errors.As(err, &ne) {
		err = ne.Err
	}
	e := vocab.NewError("net.sysctl", key, err)
	if where != "" {
		e.Hint = strings.TrimSuffix("in "+where+"; "+e.Hint, "; ")
	}
	return vocab.Raise(L, "net.sysctl", key, e)
}
