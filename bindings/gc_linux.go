//go:build linux

package bindings

import (
	"github.com/nsh-lua/nsh/bindings/compat"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

// installCollect makes collectgarbage() and collectgarbage("collect") sweep
// the weak tables, run a full Go collection and close at once every namespace handle the script
// can no longer reach; other options keep the function L had. New and
// Attach both install it, so handles dropped without h:close() are released
// the same way in either.
func installCollect(L *lua.LState) {
	orig, _ := L.GetGlobal("collectgarbage").(*lua.LFunction)
	L.SetGlobal("collectgarbage", L.NewFunction(func(L *lua.LState) int {
		if opt, ok := L.Get(1).(lua.LString); orig != nil && ok && opt != "collect" {
			top := L.GetTop()
			L.Push(orig)
			for i := 1; i <= top; i++ {
				L.Push(L.Get(i))
			}
			L.Call(top, lua.MultRet)
			return L.GetTop() - top
		}
		compat.SweepWeak(L) // weak tables first: what they alone held can go now
		vocab.Collect(L)
		compat.SweepFiles(L) // files the scripts dropped, as lua5.1's __gc
		L.Push(lua.LNumber(0))
		return 1
	}))
}

// releaseHandles closes every handle the runtime's scripts still hold.
func releaseHandles(L *lua.LState) { vocab.CloseHandles(L) }
