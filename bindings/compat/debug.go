package compat

import lua "github.com/yuin/gopher-lua"

// installDebug makes debug.getinfo's source and short_src read as lua5.1's:
// source is the name the chunk was loaded with ("@t.lua", "=stdin", a
// loadstring's string) and short_src its shown form ("t.lua"); a Go
// function is "=[C]" and "[C]", of kind "C". gopher-lua gives the shown
// form as source, no short_src, and "G" for a Go function.
func installDebug(L *lua.LState) {
	dbg, ok := L.GetGlobal("debug").(*lua.LTable)
	if !ok {
		return
	}
	getinfo, ok := dbg.RawGetString("getinfo").(*lua.LFunction)
	if !ok {
		return
	}
	dbg.RawSetString("getinfo", L.NewFunction(func(L *lua.LState) int {
		top := L.GetTop()
		L.Push(getinfo)
		for i := 1; i <= top; i++ {
			v := L.Get(i)
			if n, ok := v.(lua.LNumber); ok && i == 1 {
				v = n + 1 // this function is a level of its own
			}
			L.Push(v)
		}
		L.Call(top, 1)
		info, ok := L.Get(-1).(*lua.LTable)
		if !ok {
			return 1
		}
		if src, ok := info.RawGetString("source").(lua.LString); ok {
			short := string(src)
			if info.RawGetString("what") == lua.LString("G") {
				info.RawSetString("what", lua.LString("C"))
				info.RawSetString("source", lua.LString("=[C]"))
				info.RawSetString("short_src", lua.LString("[C]"))
			} else {
				info.RawSetString("source", lua.LString(sourceOf(short)))
				info.RawSetString("short_src", src)
			}
		}
		return 1
	}))
}
