//go:build linux

package bindings

import (
	"math"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// netOpts reads an options table of a link, addr or route call, refusing
// keys it does not know and values of the wrong type as bad argument n.
type netOpts struct {
	L *lua.LState
	n int
	t *lua.LTable // nil when the argument was omitted
}

// checkNetOpts reads argument n as an options table with the given keys;
// when optional, nil (or no argument) is an empty table.
func checkNetOpts(L *lua.LState, n int, optional bool, known ...string) *netOpts {
	o := &netOpts{L: L, n: n}
	switch v := L.Get(n).(type) {
	case *lua.LTable:
		o.t = v
	case *lua.LNilType:
		if !optional {
			L.ArgError(n, "table expected, got no value")
		}
		return o
	default:
		L.ArgError(n, "table expected, got "+v.Type().String())
	}
	o.t.ForEach(func(k, _ lua.LValue) {
		s, ok := k.(lua.LString)
		if !ok || !netOptKnown(known, string(s)) {
			sorted := append([]string(nil), known...)
			sort.Strings(sorted)
			L.ArgError(n, "unknown option '"+k.String()+"': must be one of "+strings.Join(sorted, ", "))
		}
	})
	return o
}

func netOptKnown(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// get returns the raw value of key, LNil when unset.
func (o *netOpts) get(key string) lua.LValue {
	if o.t == nil {
		return lua.LNil
	}
	return o.t.RawGetString(key)
}

func (o *netOpts) bad(key, want string, v lua.LValue) {
	o.L.ArgError(o.n, "option '"+key+"' must be "+want+", got "+v.Type().String())
}

// str returns a string option, "" when unset.
func (o *netOpts) str(key string) string {
	switch v := o.get(key).(type) {
	case *lua.LNilType:
		return ""
	case lua.LString:
		return string(v)
	default:
		o.bad(key, "a string", v)
	}
	return ""
}

// integer returns a non-negative integer option that fits the 32 bits of a
// netlink attribute, 0 when unset: a larger one would be cut to its low bits
// (an mtu of 2^33 would become 0), so it is refused.
func (o *netOpts) integer(key string) int {
	switch v := o.get(key).(type) {
	case *lua.LNilType:
		return 0
	case lua.LNumber:
		if i := int(v); float64(i) == float64(v) && i >= 0 && i <= math.MaxUint32 {
			return i
		}
		o.L.ArgError(o.n, "option '"+key+"' must be an integer from 0 to 4294967295, got "+v.String())
	default:
		o.bad(key, "an integer", v)
	}
	return 0
}

// boolean returns a boolean option, nil when unset.
func (o *netOpts) boolean(key string) *bool {
	switch v := o.get(key).(type) {
	case *lua.LNilType:
		return nil
	case lua.LBool:
		b := bool(v)
		return &b
	default:
		o.bad(key, "a boolean", v)
	}
	return nil
}

// required returns a string option that must be set.
func (o *netOpts) required(key string) string {
	s := o.str(key)
	if s == "" {
		o.L.ArgError(o.n, "option '"+key+"' is required")
	}
	return s
}
