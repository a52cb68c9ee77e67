package vocab

import (
	lua "github.com/yuin/gopher-lua"
)

const errorMeta = "nsh.error"

// Value wraps e as the Lua error value.
func Value(L *lua.LState, e *Error) lua.LValue {
	ud := L.NewUserData()
	ud.Value = e
	L.SetMetatable(ud, errorMetatable(L))
	return ud
}

// AsError returns the error a Lua value carries, if it is an nsh error.
func AsError(v lua.LValue) (*Error, bool) {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return nil, false
	}
	e, ok := ud.Value.(*Error)
	return e, ok
}

func errorMetatable(L *lua.LState) lua.LValue {
	mt := L.GetTypeMetatable(errorMeta)
	if mt != lua.LNil {
		return mt
	}
	t := L.NewTypeMetatable(errorMeta)
	L.SetField(t, "__tostring", L.NewFunction(func(L *lua.LState) int {
		e, _ := AsError(L.Get(1))
		if e == nil {
			L.Push(lua.LString("nsh error"))
			return 1
		}
		L.Push(lua.LString(e.Error()))
		return 1
	}))
	L.SetField(t, "__index", L.NewFunction(errorIndex))
	L.SetField(t, "__concat", L.NewFunction(errorConcat))
	return t
}

// errorIndex serves the readable fields of an error value.
func errorIndex(L *lua.LState) int {
	e, _ := AsError(L.Get(1))
	if e == nil {
		return 0
	}
	switch L.Get(2).String() {
	case "op":
		L.Push(lua.LString(e.Op))
	case "arg":
		L.Push(optNumber(e.Arg))
	case "option":
		L.Push(optString(e.Option))
	case "target":
		L.Push(optString(e.Target))
	case "errno":
		L.Push(optString(e.Errno()))
	case "hint":
		L.Push(optString(e.Hint))
	case "message":
		L.Push(lua.LString(e.Error()))
	default:
		L.Push(lua.LNil)
	}
	return 1
}

// errorConcat lets "prefix: " .. err work as it does for string errors.
func errorConcat(L *lua.LState) int {
	a, b := L.Get(1), L.Get(2)
	L.Push(lua.LString(L.ToStringMeta(a).String() + L.ToStringMeta(b).String()))
	return 1
}

func optString(s string) lua.LValue {
	if s == "" {
		return lua.LNil
	}
	return lua.LString(s)
}

func optNumber(n int) lua.LValue {
	if n == 0 {
		return lua.LNil
	}
	return lua.LNumber(n)
}
