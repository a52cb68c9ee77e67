package compat

import (
	lua "github.com/yuin/gopher-lua"
)

// protector is pcall and xpcall of one state and its coroutines.
type protector struct{}

// call runs the function at stack index 1 with the values above it as
// arguments, protected; handler, when not nil, makes the error value. It
// leaves true and the results, or false and the error value, and returns
// their number. It closes the upvalues of the frames the error unwinds, and
// only those; a yield inside raises the error lua5.1 gives.
func (p *protector) call(L *lua.LState, handler lua.LValue) int {
	if goDepth(L) >= maxGoCalls {
		L.RaiseError("C stack overflow")
	}
	saved := hasErrorFunc(L)
	below := topUpvalue(L)
	h := L.NewFunction(func(L *lua.LState) int {
		msg := Reword(L, L.Get(1))
		if handler != nil {
			msg = handle(L, handler, msg, 0)
		}
		closeUpvaluesAbove(L, below)
		L.Push(msg)
		return 1
	})
	release := markNoYield(L, "metamethod/C-call boundary")
	err := L.PCall(L.GetTop()-1, lua.MultRet, h)
	release()
	setHasErrorFunc(L, saved)
	if err == nil {
		L.Insert(lua.LTrue, 1)
		return L.GetTop()
	}
	L.SetTop(0)
	L.Push(lua.LFalse)
	if api, ok := err.(*lua.ApiError); ok && api.Object != nil {
		L.Push(api.Object)
	} else {
		L.Push(lua.LString(err.Error()))
	}
	return 2
}

// PCall is L.PCall(nargs, nret, nil) for Go code that runs Lua and
// handles its error (topo's ledger:guard): the error value comes back in
// lua5.1's words (Reword), and only the upvalues of the frames the error
// unwinds are closed, as nsh's pcall does (gopher-lua #448).
func PCall(L *lua.LState, nargs, nret int) error {
	saved := hasErrorFunc(L)
	below := topUpvalue(L)
	h := L.NewFunction(func(L *lua.LState) int {
		L.Replace(1, Reword(L, L.Get(1)))
		closeUpvaluesAbove(L, below)
		return 1
	})
	err := L.PCall(nargs, nret, h)
	setHasErrorFunc(L, saved)
	return err
}

// handle runs xpcall's handler on msg where the error was raised. An error
// inside the handler goes to the handler again, as in lua5.1, and past
// maxGoCalls of them the result is lua5.1's "error in error handling".
func handle(L *lua.LState, handler, msg lua.LValue, depth int) lua.LValue {
	if depth >= maxGoCalls {
		return lua.LString("error in error handling")
	}
	below := topUpvalue(L)
	again := L.NewFunction(func(L *lua.LState) int {
		v := handle(L, handler, Reword(L, L.Get(1)), depth+1)
		closeUpvaluesAbove(L, below)
		L.Push(v)
		return 1
	})
	L.Push(handler)
	L.Push(msg)
	if err := L.PCall(1, 1, again); err != nil {
		if api, ok := err.(*lua.ApiError); ok && api.Object != nil {
			return api.Object
		}
		return lua.LString(err.Error())
	}
	v := L.Get(-1)
	L.Pop(1)
	return v
}

// pcall is Lua's pcall(f, ...).
func (p *protector) pcall(L *lua.LState) int {
	L.CheckAny(1)
	return p.call(L, nil)
}

// xpcall is Lua's xpcall(f, handler): the handler runs where the error was
// raised, before the frames unwind, so debug.traceback sees them.
func (p *protector) xpcall(L *lua.LState) int {
	L.CheckAny(2)
	h := L.Get(2)
	L.SetTop(1)
	if _, ok := h.(*lua.LFunction); !ok {
		h = L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LString("error in error handling"))
			return 1
		})
	}
	return p.call(L, h)
}
