package compat

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// argError raises lua5.1's luaL_argerror message, "bad argument #n to
// 'name' (msg)", naming the running Go function as its caller called it
// ('?' when the call gives no name); gopher-lua's ArgError leaves the
// quotes out.
func argError(L *lua.LState, n int, msg string) {
	L.RaiseError("bad argument #%d to '%s' (%s)", n, funcName(L), msg)
}

// typeError is argError for a value of the wrong type.
func typeError(L *lua.LState, n int, want string) {
	argError(L, n, fmt.Sprintf("%s expected, got %s", want, argTypeName(L, n)))
}

// argTypeName is the type lua5.1 names for argument n: "no value" past
// the last argument.
func argTypeName(L *lua.LState, n int) string {
	if n > L.GetTop() {
		return "no value"
	}
	return L.Get(n).Type().String()
}

// funcName is the running function's name as its caller called it.
func funcName(L *lua.LState) string {
	dbg, ok := L.GetStack(0)
	if !ok {
		return "?"
	}
	if _, err := L.GetInfo("n", dbg, lua.LNil); err != nil {
		return "?"
	}
	if dbg.Name == "" || strings.HasPrefix(dbg.Name, "(") || strings.HasPrefix(dbg.Name, "<") {
		return "?"
	}
	return dbg.Name
}
