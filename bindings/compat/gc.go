package compat

import (
	"runtime"

	lua "github.com/yuin/gopher-lua"
)

// collect is collectgarbage([opt [, arg]]) with lua5.1's
// results: "count" is the Go heap in use, in KiB (gopher-lua returns
// nothing); "collect" and "step" run Go's collector; "setpause" and
// "setstepmul" accept a value and return the previous one (they do not
// tune Go's collector).
func (g *gcState) collect(L *lua.LState) int {
	opt := L.OptString(1, "collect")
	switch opt {
	case "count":
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		L.Push(lua.LNumber(float64(m.HeapAlloc) / 1024))
		return 1
	case "collect", "step":
		runtime.GC()
		if opt == "step" {
			L.Push(lua.LTrue) // a cycle finished
			return 1
		}
		L.Push(lua.LNumber(0))
		return 1
	case "stop", "restart":
		L.Push(lua.LNumber(0))
		return 1
	case "setpause":
		L.Push(lua.LNumber(g.pause))
		g.pause = L.OptInt(2, 0)
		return 1
	case "setstepmul":
		L.Push(lua.LNumber(g.stepmul))
		g.stepmul = L.OptInt(2, 0)
		return 1
	}
	L.ArgError(1, "invalid option '"+opt+"'")
	return 0
}

// gcState keeps the values setpause and setstepmul report back.
type gcState struct{ pause, stepmul int }
