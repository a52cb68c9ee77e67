package compat

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// tableConcat is table.concat(t [, sep [, i [, j]]]) built in a Go buffer,
// as lua5.1 does: gopher-lua's version goes through the value stack and
// overflows it past a million items; numbers print as FormatNumber renders
// them.
func tableConcat(L *lua.LState) int {
	tb := L.CheckTable(1)
	sep := L.OptString(2, "")
	i := L.OptInt(3, 1)
	j := L.OptInt(4, tb.Len())
	var b strings.Builder
	for k := i; k <= j; k++ {
		switch v := tb.RawGetInt(k).(type) {
		case lua.LString:
			b.WriteString(string(v))
		case lua.LNumber:
			b.WriteString(FormatNumber(v))
		default:
			msg := fmt.Sprintf("invalid value (%s) at index %d in table for 'concat'", v.Type().String(), k)
			L.Error(lua.LString(msg), 0) // no position, as from a C function
		}
		if k < j {
			b.WriteString(sep)
		}
	}
	L.Push(lua.LString(b.String()))
	return 1
}

// tableForeach is lua5.1's (deprecated, still present) table.foreach(t, f):
// f(k, v) for each pair until f returns a non-nil value, which it returns.
func tableForeach(L *lua.LState) int {
	tb := L.CheckTable(1)
	f := L.CheckFunction(2)
	k, v := tb.Next(lua.LNil)
	for k != lua.LNil {
		L.Push(f)
		L.Push(k)
		L.Push(v)
		L.Call(2, 1)
		if r := L.Get(-1); r != lua.LNil {
			return 1
		}
		L.Pop(1)
		k, v = tb.Next(k)
	}
	return 0
}

// tableForeachi is table.foreachi(t, f): f(i, t[i]) for i = 1, #t, until
// f returns a non-nil value.
func tableForeachi(L *lua.LState) int {
	tb := L.CheckTable(1)
	f := L.CheckFunction(2)
	for i := 1; i <= tb.Len(); i++ {
		L.Push(f)
		L.Push(lua.LNumber(i))
		L.Push(tb.RawGetInt(i))
		L.Call(2, 1)
		if r := L.Get(-1); r != lua.LNil {
			return 1
		}
		L.Pop(1)
	}
	return 0
}

func installTable(L *lua.LState) {
	t, ok := L.GetGlobal("table").(*lua.LTable)
	if !ok {
		return
	}
	t.RawSetString("concat", L.NewFunction(tableConcat))
	t.RawSetString("foreach", L.NewFunction(tableForeach))
	t.RawSetString("foreachi", L.NewFunction(tableForeachi))
}
