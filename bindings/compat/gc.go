package compat

import (
	"runtime"

	lua "github.com/yuin/gopher-lua"
)

// collect is collectgarbage([opt [, arg]]) with lua5.1's
// results: "count" is the Go heap in use, in KiB (gopher-lua returns
// nothing); "collect" runs Go's collector, "step" one step of a cycle; "setpause" and
// "setstepmul" accept a value and return the previous one (they do not
// tune Go's collector).
func (g *gcState) collect(L *lua.LState) int {
	opt := L.OptString(1, "collect")
	switch opt {
	case "count":
		autoSweep(L)
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		L.Push(lua.LNumber(float64(m.HeapAlloc) / 1024))
		return 1
	case "collect":
		g.weak.sweep()
		g.stepped = 0
		L.Push(lua.LNumber(0))
		return 1
	case "step":
		L.Push(lua.LBool(g.step(L.OptInt(2, 0))))
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

// step is collectgarbage("step", size): like lua5.1's incremental
// collector, a cycle takes several steps, fewer the larger size is (a step
// does 1+size units of work, a cycle one unit per 8 KiB in use, at least
// 16); the step that ends a cycle runs Go's collector and the weak sweep
// and returns true.
func (g *gcState) step(size int) bool {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	cycle := max(int(m.HeapAlloc/(8<<10)), 16)
	g.stepped += 1 + max(size, 0)
	if g.stepped < cycle {
		return false
	}
	g.stepped = 0
	g.weak.sweep()
	return true
}

// gcState keeps the values setpause and setstepmul report back.
type gcState struct {
	pause, stepmul int
	weak           *weakTables // swept at each collection
	stepped        int         // work done by steps in the current cycle
}
