package compat

import (
	"runtime"

	lua "github.com/yuin/gopher-lua"
)

// noDynamicLibs is lua5.1's message from package.loadlib when it was built
// without dynamic libraries, as nsh is: a static Go binary cannot load C
// modules.
const noDynamicLibs = "dynamic libraries not enabled; check your Lua installation"

// installBase51 adds what lua5.1's base, table and package libraries have
// and gopher-lua lacks or gets wrong: gcinfo, table.maxn over every numeric
// key, and package.loadlib answering as a lua5.1 without dynamic libraries.
func installBase51(L *lua.LState) {
	L.SetGlobal("gcinfo", L.NewFunction(gcinfo))
	if t, ok := L.GetGlobal("table").(*lua.LTable); ok {
		t.RawSetString("maxn", L.NewFunction(tableMaxn))
	}
	if p, ok := L.GetGlobal("package").(*lua.LTable); ok {
		p.RawSetString("loadlib", L.NewFunction(packageLoadlib))
	}
}

// gcinfo is lua5.1's deprecated gcinfo(): the memory in use in whole KiB
// (collectgarbage("count") rounded down).
func gcinfo(L *lua.LState) int {
	autoSweep(L)
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	L.Push(lua.LNumber(m.HeapAlloc / 1024))
	return 1
}

// tableMaxn is table.maxn(t): the largest positive numeric key, integer or
// not, or 0. gopher-lua's looks at the array part only, so
// table.maxn{[24.5] = 3} is 0 there.
func tableMaxn(L *lua.LState) int {
	tb := L.CheckTable(1)
	max := lua.LNumber(0)
	tb.ForEach(func(k, _ lua.LValue) {
		if n, ok := k.(lua.LNumber); ok && n > max {
			max = n
		}
	})
	L.Push(max)
	return 1
}

// packageLoadlib is package.loadlib(path, funcname) of a lua5.1 built
// without dynamic libraries: nil, the message, and "absent".
func packageLoadlib(L *lua.LState) int {
	L.CheckString(1)
	L.CheckString(2)
	L.Push(lua.LNil)
	L.Push(lua.LString(noDynamicLibs))
	L.Push(lua.LString("absent"))
	return 3
}

// rawIndex is t[k] without metamethods for an integer k wherever the table
// keeps it: gopher-lua's RawGetInt sees the array part only, and keys past
// lua.MaxArrayIndex live in the hash part.
func rawIndex(tb *lua.LTable, k int) lua.LValue {
	return tb.RawGet(lua.LNumber(k))
}
