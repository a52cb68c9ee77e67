package compat

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// yieldWants returns how many values the suspended coroutine th expects
// back from the coroutine.yield it is waiting in: the results of the call
// instruction its running Lua frame stopped at, or 0 when it takes them
// all (or the frame cannot be read).
//
// gopher-lua v1.1.2 copies only the values a resume passes into the
// registers of those results and leaves the rest holding Go nil, not Lua
// nil: with `local a, b = coroutine.yield()` resumed with one value, any
// use of b (print(b), b()) ends in a Go nil-pointer error. nsh's resume
// therefore passes nils up to this count (padResume).
func yieldWants(th *lua.LState) int {
	fn, pc, _, ok := luaFrame(th, 0)
	if !ok {
		return 0
	}
	in := decode(fn.Proto.Code[pc])
	if in.op != lua.OP_CALL || in.c == 0 {
		return 0
	}
	return in.c - 1
}

// padResume pushes nils on L until the have values passed to resume th
// are as many as th's yield expects. A coroutine not started yet has no
// frame and expects nothing: its function's parameters work as in Lua.
func padResume(L, th *lua.LState, have int) {
	for i := yieldWants(th); have < i; have++ {
		L.Push(lua.LNil)
	}
}

// tailYieldSource is the trampoline coroutine.create puts under a body
// that makes tail calls: it calls the body as a plain call, then returns
// what the body returned (select is the original, captured here).
//
// gopher-lua v1.1.2 breaks a coroutine whose body yields by a tail call
// (`return coroutine.yield(x)`): the tail call drops the body's frame, the
// coroutine is left with no frame at all, and the next resume returns Go
// nils (a Go nil-pointer error). Under the trampoline the body's frame is
// not the last one, and a yield by tail call works as it does deeper down.
const tailYieldSource = `local select = select
return function(f) return function(...) return select(1, f(...)) end end`

// coroutineBody returns f, or f under the trampoline when f is a Lua
// function with a tail call in its code; *trampoline is compiled on first
// use.
func coroutineBody(L *lua.LState, trampoline **lua.LFunction, f *lua.LFunction) *lua.LFunction {
	if f.IsG || f.Proto == nil || !hasTailCall(f.Proto) {
		return f
	}
	if *trampoline == nil {
		*trampoline = newTrampoline(L)
	}
	L.Push(*trampoline)
	L.Push(f)
	L.Call(1, 1)
	body := L.Get(-1).(*lua.LFunction)
	L.Pop(1)
	return body
}

func hasTailCall(p *lua.FunctionProto) bool {
	for _, c := range p.Code {
		if decode(c).op == lua.OP_TAILCALL {
			return true
		}
	}
	return false
}

// trampolineChunk names the trampoline's chunk.
const trampolineChunk = "[coroutine]"

// noCaller reports whether level of L's stack holds no function, or the
// trampoline, which stands where lua5.1 has no caller at all: error(msg,
// level) then adds no position.
func noCaller(L *lua.LState, level int) bool {
	dbg, ok := L.GetStack(level)
	if !ok {
		return true
	}
	if _, err := L.GetInfo("S", dbg, lua.LNil); err != nil {
		return false
	}
	return strings.TrimPrefix(dbg.Source, "=") == trampolineChunk
}

// newTrampoline compiles tailYieldSource in L.
func newTrampoline(L *lua.LState) *lua.LFunction {
	proto, err := Compile(strings.NewReader(tailYieldSource), "="+trampolineChunk)
	if err != nil {
		panic("compat: the coroutine trampoline does not compile: " + err.Error())
	}
	L.Push(L.NewFunctionFromProto(proto))
	L.Call(0, 1)
	t := L.Get(-1).(*lua.LFunction)
	L.Pop(1)
	return t
}
