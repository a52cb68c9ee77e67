package compat

import (
	"bytes"
	"strings"
	"testing"
)

// TestInternalsCanary fails loudly when a gopher-lua upgrade renames or
// retypes the internals pcall relies on (internals.go): the mend for
// gopher-lua #448 would silently turn off.
func TestInternalsCanary(t *testing.T) {
	for name, f := range map[string]fieldAt{
		"LState.hasErrorFunc bool": errorFuncField,
		"LState.uvcache *Upvalue":  uvcacheField,
		"Upvalue.index int":        uvIndexField,
		"Upvalue.next *Upvalue":    uvNextField,
	} {
		if !f.ok {
			t.Errorf("gopher-lua internals changed: %s is gone; review internals.go and protect.go", name)
		}
	}
	if !internalsOK {
		t.Fatal("the pcall mend for gopher-lua #448 is off")
	}
}

// TestUpstreamBugsStillThere runs each mended case on a bare gopher-lua
// state: when one passes there, upstream fixed the bug and the mend can
// go (this test then fails, to say so).
func TestUpstreamBugsStillThere(t *testing.T) {
	for _, c := range []struct{ issue, src, mended string }{
		{"#440 multiple assignment", "local x, y = 1, 2; x, y = y, x; return x .. ' ' .. y", "2 1"},
		{"keyed call in constructor", "local function f() return 'v' end; local t = {'a', k = f()}; return #t", "1"},
		{"last SETLIST batch after 50 items", "local function f(...) return {" + strings.Repeat("0, ", 50) + "...} end; return #f(1, 2)", "52"},
		{"resume with fewer values than the yield wants",
			"local co = coroutine.create(function() local a, b = coroutine.yield() return type(b) end); coroutine.resume(co); local _, r = coroutine.resume(co, 1); return r", "nil"},
		{"a body yielding by a tail call",
			"local co = coroutine.create(function() return coroutine.yield() end); coroutine.resume(co); local ok, r = coroutine.resume(co, 'v'); return tostring(ok) .. ' ' .. tostring(r)", "true v"},
		{"#448 pcall closes upvalues below", "local n = 0; local function try(f) if not pcall(f) then n = n + 1 end end; for i = 1, 3 do try(function() error('x') end) end; return n", "3"},
	} {
		bare := runBare(t, c.src)
		if bare == c.mended {
			t.Errorf("%s: bare gopher-lua now gives %q, as Lua does: the mend may go", c.issue, bare)
		}
		var out bytes.Buffer
		L := newState(t, &out)
		proto, err := Compile(strings.NewReader(c.src), "=canary")
		if err != nil {
			t.Fatal(err)
		}
		L.Push(L.NewFunctionFromProto(proto))
		L.Call(0, 1)
		if got := L.Get(-1).String(); got != c.mended {
			t.Errorf("%s: mended gives %q, want %q", c.issue, got, c.mended)
		}
	}
}
