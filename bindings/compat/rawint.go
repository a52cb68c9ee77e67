package compat

import lua "github.com/yuin/gopher-lua"

// rawGetInt is t[k] without metamethods for any integer k: gopher-lua's
// RawGetInt sees only the array part, and keys below 1 or past
// lua.MaxArrayIndex live in the hash part ({[0] = v}, {[2^31-1] = v}).
func rawGetInt(tb *lua.LTable, k int) lua.LValue {
	if v := tb.RawGetInt(k); v != lua.LNil {
		return v
	}
	return tb.RawGet(lua.LNumber(k))
}
