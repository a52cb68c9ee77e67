package compat

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// TestNoYield: a coroutine that yields inside a Go callback marked with
// Callback gets a clean error, and the coroutine stays usable.
func TestNoYield(t *testing.T) {
	var out bytes.Buffer
	L := newState(t, &out)
	L.SetGlobal("with", L.NewFunction(Callback(func(L *lua.LState) int {
		L.Push(L.CheckFunction(1))
		L.Call(0, 0)
		return 0
	})))
	src := `
local co = coroutine.create(function()
  print(pcall(with, function() coroutine.yield("inside") end))
  coroutine.yield("after")
  return "done"
end)
print(coroutine.resume(co))
print(coroutine.resume(co))
print(coroutine.status(co))`
	if err := L.DoString(src); err != nil {
		t.Fatal(err)
	}
	want := "false\tattempt to yield across an nsh call\ntrue\tafter\ntrue\tdone\ndead\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	if len(noYield.reasons) != 0 {
		t.Errorf("marks left behind: %v", noYield.reasons)
	}
}

// TestSourceCacheBounded: loadstring in a loop keeps at most the cache's
// size.
func TestSourceCacheBounded(t *testing.T) {
	cache := NewSourceCache(64, 1<<16)
	L := lua.NewState(Options())
	defer L.Close()
	Install(L, Hooks{Stdout: &bytes.Buffer{}, Source: cache.Put})
	if err := L.DoString(`for i = 1, 5000 do assert(loadstring("return " .. i))() end`); err != nil {
		t.Fatal(err)
	}
	n, size := cache.Len()
	if n > 64 || size > 1<<16 {
		t.Errorf("cache holds %d chunks, %d bytes: not bounded", n, size)
	}
	if src, ok := cache.Get(`[string "return 5000"]`); !ok || src != "return 5000" {
		t.Errorf("last chunk: %q %v", src, ok)
	}
	if _, ok := cache.Get(`[string "return 1"]`); ok {
		t.Error("first chunk still kept")
	}
	chunks, _ := chunkNames.Len()
	if chunks > 512 {
		t.Errorf("chunk names: %d kept", chunks)
	}
}

// TestExitHook: os.exit tells the host and stops the chunk.
func TestExitHook(t *testing.T) {
	var code = -1
	L := lua.NewState(Options())
	defer L.Close()
	Install(L, Hooks{Stdout: &bytes.Buffer{}, Exit: func(c int) { code = c }})
	err := L.DoString(`os.exit(3); error("not reached")`)
	if code != 3 || err == nil || !strings.Contains(err.Error(), "os.exit(3)") {
		t.Errorf("code %d, err %v", code, err)
	}
}

// TestCompileSyntaxIncomplete: an error at end of input is marked
// incomplete, for the REPL's continuation prompt.
func TestCompileSyntaxIncomplete(t *testing.T) {
	for src, incomplete := range map[string]bool{
		"if x then":  true,
		"f(":         true,
		"x = = 1":    false,
		"return 'ab": false,
	} {
		_, err := Compile(strings.NewReader(src), "=stdin")
		se, ok := err.(*SyntaxError)
		if !ok {
			t.Fatalf("%q: %T %v", src, err, err)
		}
		if se.Incomplete != incomplete {
			t.Errorf("%q: incomplete %v, want %v (%s)", src, se.Incomplete, incomplete, se.Message)
		}
	}
}

// TestKeyedCallTable: {"ip", join = f()} has one list item, as in Lua.
func TestKeyedCallTable(t *testing.T) {
	out, err := runChunk(t, `local function f() return "h", "x" end
local t = {"ip", join = f()}
local u = {"a", "b", k = (function(...) return ... end)(1, 2)}
print(#t, t.join, #u, u.k)`, "=t")
	if err != "" || out != "1\th\t2\t1\n" {
		t.Errorf("got %q %s", out, err)
	}
}

// TestAssignManyTargets: the rewrite keeps working for long assignments
// (temporaries count against the 200 locals of a function).
func TestAssignManyTargets(t *testing.T) {
	var names, values []string
	for i := 1; i <= 60; i++ {
		names = append(names, fmt.Sprintf("v%d", i))
		values = append(values, fmt.Sprint(i))
	}
	src := "local " + strings.Join(names, ", ") + "\n" +
		strings.Join(names, ", ") + " = " + strings.Join(values, ", ") + "\nprint(v1, v60)"
	out, err := runChunk(t, src, "=t")
	if err != "" || out != "1\t60\n" {
		t.Errorf("got %q %s", out, err)
	}
}
