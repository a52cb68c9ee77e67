//go:build linux

package bindings

import (
	"errors"
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	lua "github.com/yuin/gopher-lua"
)

func init() {
	Register(&Module{
		Name: "net",
		Doc:  "Per-network-namespace kernel settings.",
		Funcs: []Func{
			{Name: "sysctl", Args: "(key [, value] [, {ns=}])", Returns: "string", Fn: netSysctl,
				Doc: "Reads a net.* sysctl, or writes value to it and returns the value it had, in the network namespace ns= " +
					"(a netns name, a handle or a pid; default the shell's), touching no other namespace.",
				Equiv: "ip netns exec NAME sysctl -w KEY=VALUE",
				Example: exampleName + `netns.add(name):close()
print(net.sysctl("net.ipv4.ip_forward", 1, {ns=name}))    -- the old value: 0
assert(net.sysctl("net.ipv4.ip_forward", {ns=name}) == "1")
netns.del(name)`},
		},
	})
}

// netSysctl is net.sysctl(key [, value] [, {ns=}]).
func netSysctl(L *lua.LState) int {
	key := L.CheckString(1)
	if _, err := netns.SysctlPath(key); err != nil {
		L.ArgError(1, err.Error())
	}
	optArg := 2
	var value *string
	if _, isTable := L.Get(2).(*lua.LTable); !isTable && L.GetTop() >= 2 {
		v := sysctlValue(L, 2)
		value, optArg = &v, 3
	} else if isTable && L.GetTop() >= 3 {
		// net.sysctl(key, {}, {ns=x}): a table is not a value, and taking it
		// as the options would act in the shell's namespace instead of x.
		L.ArgError(2, "value must be a string, a number or a boolean, got table")
	}
	o := checkNetOpts(L, optArg, true, "ns")
	fd, t := -1, (*netTarget)(nil)
	if ns := o.get("ns"); ns != lua.LNil {
		t = resolveNetTarget(L, "net.sysctl", optArg, ns)
		defer t.close()
		fd = t.fd
	}
	val, err := netns.SysctlAt(fd, key, value)
	if err != nil {
		return raiseSysctl(L, key, t, err)
	}
	L.Push(lua.LString(val))
	return 1
}

// sysctlValue reads argument n as the text to write: a string, an integer,
// or a boolean (1 or 0).
func sysctlValue(L *lua.LState, n int) string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return v.String()
	case lua.LBool:
		if v {
			return "1"
		}
		return "0"
	}
	L.ArgError(n, "value must be a string, a number or a boolean, got "+L.Get(n).Type().String())
	return ""
}

// raiseSysctl raises "net.sysctl: KEY: cause", saying which namespace when
// the call acted in another one.
func raiseSysctl(L *lua.LState, key string, t *netTarget, err error) int {
	var ne *netns.Error
	if errors.As(err, &ne) {
		err = ne.Err
	}
	e := NewError("net.sysctl", key, err)
	if t != nil && t.where != "" {
		e.Hint = strings.TrimSuffix("in "+t.where+"; "+e.Hint, "; ")
	}
	return Raise(L, "net.sysctl", key, e)
}
