package compat

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

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
		what, lines := activeLinesOption(L)
		L.Push(getinfo)
		for i := 1; i <= top; i++ {
			v := L.Get(i)
			if n, ok := v.(lua.LNumber); ok && i == 1 {
				v = n + 1 // this function is a level of its own
			}
			if i == 2 && lines {
				v = what
			}
			L.Push(v)
		}
		L.Call(top, 1)
		info, ok := L.Get(-1).(*lua.LTable)
		if !ok {
			return 1
		}
		if lines {
			addActiveLines(L, info)
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

// activeLinesOption reports whether getinfo's options (argument 2) ask for
// "L", which gopher-lua does not know, and returns them without it but
// with "f" (the lines come from the function).
func activeLinesOption(L *lua.LState) (lua.LString, bool) {
	opts, ok := L.Get(2).(lua.LString)
	if !ok || !strings.Contains(string(opts), "L") {
		return opts, false
	}
	rest := strings.ReplaceAll(string(opts), "L", "")
	if !strings.Contains(rest, "f") {
		rest += "f"
	}
	return lua.LString(rest), true
}

// addActiveLines sets info.activelines as lua5.1's "L" option does: a
// table whose keys are the lines with code of info.func, a Lua function
// (nil for a Go one). It drops info.func unless "f" was asked for.
func addActiveLines(L *lua.LState, info *lua.LTable) {
	fn, _ := info.RawGetString("func").(*lua.LFunction)
	if opts, _ := L.Get(2).(lua.LString); !strings.Contains(string(opts), "f") {
		info.RawSetString("func", lua.LNil)
	}
	if fn == nil || fn.IsG || fn.Proto == nil {
		return
	}
	lines := L.NewTable()
	for _, line := range fn.Proto.DbgSourcePositions {
		if line > 0 {
			lines.RawSetInt(line, lua.LTrue)
		}
	}
	info.RawSetString("activelines", lines)
}
