package compat

import (
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// noYield records, per state (each coroutine is its own state), the Go
// calls that are running Lua and cannot be suspended: gopher-lua cannot
// yield across a Go frame, and trying breaks the coroutine.
var noYield = struct {
	sync.Mutex
	reasons map[*lua.LState][]string
}{reasons: map[*lua.LState][]string{}}

// NoYield marks L as running inside an nsh call until the returned release
// runs: a Go function that calls back into Lua (ns.with's function, an
// ns.list predicate) calls it first and defers the release, so that a
// coroutine.yield inside the callback raises "attempt to yield across an
// nsh call" instead of corrupting the coroutine. The release is idempotent
// and runs fine while an error unwinds.
func NoYield(L *lua.LState) (release func()) {
	return markNoYield(L, "an nsh call")
}

// Callback wraps fn so that it runs under NoYield.
func Callback(fn lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		release := NoYield(L)
		defer release()
		return fn(L)
	}
}

func markNoYield(L *lua.LState, reason string) func() {
	noYield.Lock()
	noYield.reasons[L] = append(noYield.reasons[L], reason)
	noYield.Unlock()
	done := false
	return func() {
		if done {
			return
		}
		done = true
		noYield.Lock()
		defer noYield.Unlock()
		r := noYield.reasons[L]
		if len(r) <= 1 {
			delete(noYield.reasons, L)
			return
		}
		noYield.reasons[L] = r[:len(r)-1]
	}
}

// maxGoCalls bounds nested protected and nsh calls per state, as lua5.1's
// LUAI_MAXCCALLS (200) bounds C calls: an endless pcall recursion ends with
// "C stack overflow" instead of growing the Go stack.
const maxGoCalls = 200

// goDepth is the number of Go calls running Lua on L.
func goDepth(L *lua.LState) int {
	noYield.Lock()
	defer noYield.Unlock()
	return len(noYield.reasons[L])
}

// yieldBlocker returns why L cannot yield now, or "".
func yieldBlocker(L *lua.LState) string {
	noYield.Lock()
	defer noYield.Unlock()
	r := noYield.reasons[L]
	if len(r) == 0 {
		return ""
	}
	return r[len(r)-1]
}

// installCoroutine replaces yield, resume and wrap so that each misuse is
// a Lua error, as in lua5.1, and the coroutine stays usable.
func installCoroutine(L *lua.LState) {
	co, ok := L.GetGlobal("coroutine").(*lua.LTable)
	if !ok {
		return
	}
	yield, ok1 := co.RawGetString("yield").(*lua.LFunction)
	resume, ok2 := co.RawGetString("resume").(*lua.LFunction)
	create, ok3 := co.RawGetString("create").(*lua.LFunction)
	if !ok1 || !ok2 || !ok3 {
		return
	}
	co.RawSetString("yield", L.NewFunction(func(L *lua.LState) int {
		why := yieldBlocker(L)
		if why == "" && L.Parent == nil {
			why = "metamethod/C-call boundary" // as lua5.1 says on the main thread
		}
		if why != "" {
			L.Error(lua.LString("attempt to yield across "+why), 0)
		}
		return yield.GFunction(L)
	}))
	co.RawSetString("resume", L.NewFunction(func(L *lua.LState) int {
		th := L.CheckThread(1)
		if msg := cannotResume(L, th); msg != "" {
			L.Push(lua.LFalse)
			L.Push(lua.LString(msg))
			return 2
		}
		hookPanic(th)
		padResume(L, th, L.GetTop()-1)
		n := resume.GFunction(L)
		if top := L.GetTop(); n >= 2 && th.Dead && L.Get(top-n+1) == lua.LFalse {
			L.Replace(top-n+2, rewordDead(L, th, L.Get(top-n+2)))
		}
		return n
	}))
	var trampoline *lua.LFunction // compiled at the first body that needs it
	co.RawSetString("create", L.NewFunction(func(L *lua.LState) int {
		body := coroutineBody(L, &trampoline, L.CheckFunction(1))
		L.Push(create)
		L.Push(body)
		L.Call(1, 1)
		return 1
	}))
	co.RawSetString("wrap", L.NewFunction(func(L *lua.LState) int {
		body := coroutineBody(L, &trampoline, L.CheckFunction(1))
		L.Push(create)
		L.Push(body)
		L.Call(1, 1)
		th := L.Get(-1)
		L.Push(L.NewFunction(func(L *lua.LState) int {
			return wrapped(L, resume, th)
		}))
		return 1
	}))
}

// wrapped resumes th with the call's arguments and returns its values, or
// raises its error, as the function coroutine.wrap returns does.
func wrapped(L *lua.LState, resume *lua.LFunction, th lua.LValue) int {
	if msg := cannotResume(L, th.(*lua.LState)); msg != "" {
		L.Error(lua.LString(msg), 0)
	}
	hookPanic(th.(*lua.LState))
	padResume(L, th.(*lua.LState), L.GetTop())
	n := L.GetTop()
	L.Push(resume)
	L.Push(th)
	for i := 1; i <= n; i++ {
		L.Push(L.Get(i))
	}
	L.Call(n+1, lua.MultRet)
	if L.Get(n+1) != lua.LTrue {
		// lua5.1 adds where the wrapped function was called to a message
		L.Error(rewordDead(L, th.(*lua.LState), L.Get(n+2)), 1)
	}
	return L.GetTop() - n - 1
}

// maxResumeDepth is how deep coroutines resumed from coroutines nest: as
// deep as lua5.1 lets them before its C stack limit ("C stack overflow"),
// where each would otherwise take a state of its own without end.
const maxResumeDepth = 197

// cannotResume returns lua5.1's message when th cannot be resumed from L:
// it is dead, running, or normal (it resumed, directly or not, the
// running one), or coroutines nest too deep.
func cannotResume(L, th *lua.LState) string {
	if th.Dead {
		return "cannot resume dead coroutine"
	}
	if th == L {
		return "cannot resume running coroutine"
	}
	depth := 0
	for s := L.Parent; s != nil; s = s.Parent {
		if s == th {
			return "cannot resume normal coroutine"
		}
		depth++
	}
	if depth >= maxResumeDepth {
		return "C stack overflow"
	}
	return ""
}
