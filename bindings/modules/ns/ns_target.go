//go:build linux

package ns

import (
	"fmt"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

// checkTypeList reads argument n as a type name or a list of them (nil
// when absent).
func checkTypeList(L *lua.LState, n int) []nsfs.Type {
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
		return nil
	case lua.LString:
		return []nsfs.Type{vocab.CheckNSType(L, n)}
	case *lua.LTable:
		return typeList(L, n, v, "")
	}
	L.ArgError(n, "namespace type or list of types expected, got "+L.Get(n).Type().String())
	return nil
}

// typeList reads the array part of tb as type names; what names the
// option in messages ("" for a plain argument).
func typeList(L *lua.LState, n int, tb *lua.LTable, what string) []nsfs.Type {
	var out []nsfs.Type
	for i := 1; i <= tb.Len(); i++ {
		s, ok := tb.RawGetInt(i).(lua.LString)
		if !ok {
			L.ArgError(n, fmt.Sprintf("%stype name expected at [%d], got %s", what, i, tb.RawGetInt(i).Type()))
		}
		t, err := nsfs.ParseType(string(s))
		if err != nil {
			L.ArgError(n, what+err.Error())
		}
		out = append(out, t)
	}
	return out
}
