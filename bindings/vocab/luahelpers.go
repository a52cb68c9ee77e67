package vocab

import (
	"errors"

	lua "github.com/yuin/gopher-lua"
)

// LuaHelpers returns the table the Lua part of a module (lua/*.lua) gets
// as its second argument, so that its errors are the one error value
// naming the public function, never a position inside nsh's own files:
//
//	argerror(op, n, msg)    misuse of argument n of op
//	fail(op, target, msg)   a failure of op on target
func LuaHelpers(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("argerror", L.NewFunction(func(L *lua.LState) int {
		return ArgError(L, L.CheckString(1), L.CheckInt(2), L.CheckString(3))
	}))
	t.RawSetString("fail", L.NewFunction(func(L *lua.LState) int {
		e := &Error{Op: L.CheckString(1), Target: L.OptString(2, ""), Err: errors.New(L.CheckString(3))}
		L.Error(Value(L, e), 1)
		return 0
	}))
	return t
}
