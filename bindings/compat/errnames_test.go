package compat

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// errCases are runtime errors and the message PUC-Rio lua5.1 (5.1.5)
// gives for each when the body runs as function() <body> end in chunk
// "=t". Recorded with lua5.1; TestErrorNames checks every path an error
// can take gives the same message.
//
// A coroutine's first run (until it first yields) is the exception
// docs/lua.md lists: its frame is gone when nsh sees the error, so a call,
// # or unary minus whose value it cannot read again keeps gopher-lua's
// words; firstRun, when set, pins what nsh says there.
var errCases = []struct{ name, body, lua51, firstRun string }{
	// call
	{"call global", `undefinedfn()`, `t:1: attempt to call global 'undefinedfn' (a nil value)`, ""},
	{"call local", `local x; x()`, `t:1: attempt to call local 'x' (a nil value)`, ""},
	{"call local number", `local x = 5; x()`, `t:1: attempt to call local 'x' (a number value)`, ""},
	{"call field", `local t = {} t.f()`, `t:1: attempt to call field 'f' (a nil value)`, ""},
	{"call field by number", `local a = {} a[1]()`, `t:1: attempt to call field '?' (a nil value)`, ""},
	{"call module field", `math.nosuch()`, `t:1: attempt to call field 'nosuch' (a nil value)`, ""},
	{"call method", `local t = {} t:m()`, `t:1: attempt to call method 'm' (a nil value)`, ""},
	{"call string method", `local s = "x" s:nosuch()`, `t:1: attempt to call method 'nosuch' (a nil value)`, ""},
	{"call upvalue", `local u = 1; (function() u() end)()`, `t:1: attempt to call upvalue 'u' (a number value)`, ""},
	{"call constant", `return ("x")()`, `t:1: attempt to call a string value`, ""},
	{"call bad __call", `local t = setmetatable({}, {__call = 1}) t()`, `t:1: attempt to call local 't' (a table value)`,
		`t:1: attempt to call a non-function object`},
	{"tail call global", `return nosuch()`, `t:1: attempt to call global 'nosuch' (a nil value)`, ""},
	{"call in for iterator", `for k in nil do end`, `t:1: attempt to call a nil value`,
		`t:1: attempt to call a non-function object`},
	{"call on a later line", "local a = 1\nlocal b = {}\nb.c.d()", `t:3: attempt to index field 'c' (a nil value)`, ""},
	// index
	{"index global", `x.y = 1`, `t:1: attempt to index global 'x' (a nil value)`, ""},
	{"index local", `local n = 5; return n.y`, `t:1: attempt to index local 'n' (a number value)`, ""},
	{"index field", `local t = {} t.a.b()`, `t:1: attempt to index field 'a' (a nil value)`, ""},
	{"index field to set", `local t = {} t.x.y = 1`, `t:1: attempt to index field 'x' (a nil value)`, ""},
	{"index upvalue", `local u; (function() return u.x end)()`, `t:1: attempt to index upvalue 'u' (a nil value)`, ""},
	{"index global for a method", `xx:yy()`, `t:1: attempt to index global 'xx' (a nil value)`, ""},
	{"index field by number", `local x = {} return x[1][2]`, `t:1: attempt to index field '?' (a nil value)`, ""},
	{"index through __index", `return setmetatable({}, {__index = 5}).x`, `t:1: attempt to index a number value`, ""},
	// arithmetic
	{"arith global", `print(x + 1)`, `t:1: attempt to perform arithmetic on global 'x' (a nil value)`, ""},
	{"arith local", `local a, b = 1; return a + b`, `t:1: attempt to perform arithmetic on local 'b' (a nil value)`, ""},
	{"arith field", `local a = {} return 1 + a.b`, `t:1: attempt to perform arithmetic on field 'b' (a nil value)`, ""},
	{"arith upvalue", `local u; (function() return u * 2 end)()`, `t:1: attempt to perform arithmetic on upvalue 'u' (a nil value)`, ""},
	{"arith string local", `local s = "abc"; return s - 1`, `t:1: attempt to perform arithmetic on local 's' (a string value)`, ""},
	{"arith string constant", `return "abc" + 1`, `t:1: attempt to perform arithmetic on a string value`, ""},
	{"arith nil constant", `local x = 1; return x + nil`, `t:1: attempt to perform arithmetic on a nil value`, ""},
	{"arith boolean", `return true + 1`, `t:1: attempt to perform arithmetic on a boolean value`, ""},
	{"arith table global", `aaa = {} return 3 / aaa`, `t:1: attempt to perform arithmetic on global 'aaa' (a table value)`, ""},
	{"arith mod", `local t = {} return t.n % 2`, `t:1: attempt to perform arithmetic on field 'n' (a nil value)`, ""},
	{"arith pow", `local t = {} return 2 ^ t.n`, `t:1: attempt to perform arithmetic on field 'n' (a nil value)`, ""},
	{"arith unnamed", `aaa = {} return (aaa or aaa) + 1`, `t:1: attempt to perform arithmetic on a table value`, ""},
	// unary minus
	{"unm constant", `return -{}`, `t:1: attempt to perform arithmetic on a table value`, ""},
	{"unm field", `local a = {} return -a.b`, `t:1: attempt to perform arithmetic on field 'b' (a nil value)`, ""},
	{"unm upvalue", `local u; (function() return -u end)()`, `t:1: attempt to perform arithmetic on upvalue 'u' (a nil value)`, ""},
	{"unm global", `aaa = {} x = -aaa`, `t:1: attempt to perform arithmetic on global 'aaa' (a table value)`, ""},
	{"unm string local", `local s = "x" return -s`, `t:1: attempt to perform arithmetic on local 's' (a string value)`, ""},
	// length
	{"len constant", `return #nil`, `t:1: attempt to get length of a nil value`, ""},
	{"len field", `local a = {} return #a.b`, `t:1: attempt to get length of field 'b' (a nil value)`, ""},
	{"len local", `local n = 1 return #n`, `t:1: attempt to get length of local 'n' (a number value)`, ""},
	{"len global", `return #undefinedvar`, `t:1: attempt to get length of global 'undefinedvar' (a nil value)`, ""},
	{"len upvalue", `local u; (function() return #u end)()`, `t:1: attempt to get length of upvalue 'u' (a nil value)`, ""},
	// concatenation
	{"concat local", `local x = {} return x .. "a"`, `t:1: attempt to concatenate local 'x' (a table value)`, ""},
	{"concat field", `local a = {} return "x" .. a.b .. "y"`, `t:1: attempt to concatenate field 'b' (a nil value)`, ""},
	{"concat constant", `return nil .. "x"`, `t:1: attempt to concatenate a nil value`, ""},
	{"concat constant table", `return ("a") .. "b" .. {}`, `t:1: attempt to concatenate a table value`, ""},
	{"concat boolean local", `local b = true return b .. "x"`, `t:1: attempt to concatenate local 'b' (a boolean value)`, ""},
	{"concat global", `a = nil; a = (1) .. a`, `t:1: attempt to concatenate global 'a' (a nil value)`, ""},
	{"concat function global", `return print .. "a"`, `t:1: attempt to concatenate global 'print' (a function value)`, ""},
	{"concat upvalue", `local u; (function() return "x" .. u end)()`, `t:1: attempt to concatenate upvalue 'u' (a nil value)`, ""},
	// comparison
	{"compare tables", `return {} < {}`, `t:1: attempt to compare two table values`, ""},
	{"compare functions", `return print <= print`, `t:1: attempt to compare two function values`, ""},
	{"compare number string", `return 1 < "x"`, `t:1: attempt to compare number with string`, ""},
	{"compare table number", `local t = {} return 1 > t`, `t:1: attempt to compare table with number`, ""},
	{"compare nil number", `local t = {} return t.x < 1`, `t:1: attempt to compare nil with number`, ""},
	// numeric for
	{"for limit", `for i = 1, "x" do end`, `t:1: 'for' limit must be a number`, ""},
	{"for initial value", `for i = "a", 2 do end`, `t:1: 'for' initial value must be a number`, ""},
	{"for step", `for i = 1, 2, {} do end`, `t:1: 'for' step must be a number`, ""},
	// argument errors of Go functions
	{"argument error names the function", `math.floor({})`, `t:1: bad argument #1 to 'floor' (number expected, got table)`, ""},
	{"argument error of a local function", `local f = math.floor; f({})`, `t:1: bad argument #1 to 'f' (number expected, got table)`, ""},
	{"argument error of a method", `local r = ("x"):rep({})`, `t:1: bad argument #1 to 'rep' (number expected, got table)`, ""},
	{"argument error on bad self", `local t = {rep = string.rep} t:rep(1)`, `t:1: calling 'rep' on bad self (string expected, got table)`, ""},
	// messages nsh must leave alone
	{"error with the VM's words", `error("attempt to call a non-function object")`, `t:1: attempt to call a non-function object`, ""},
	{"error at level 0", `error("x.lua:1: __len undefined", 0)`, `x.lua:1: __len undefined`, ""},
}

// errPaths are the ways an error reaches a program, each a chunk around
// the case's body that prints what the program sees; want turns the
// message into what it prints.
var errPaths = []struct {
	name, pre, post string
	want            func(msg string) string
	firstRun        bool // the error ends a coroutine's first run
}{
	{"pcall", `print(select(2, pcall(function() `, ` end)))`, same, false},
	{"xpcall", `print(select(2, xpcall(function() `, ` end, function(m) return "handled: " .. m end)))`,
		func(m string) string { return "handled: " + m }, false},
	{"pcall in coroutine", `print(select(3, coroutine.resume(coroutine.create(function() return pcall(function() `, ` end) end))))`, same, false},
	{"coroutine", `print(select(2, coroutine.resume(coroutine.create(function() `, ` end))))`, same, true},
	{"coroutine after a yield", `local co = coroutine.create(function() coroutine.yield() `, ` end) coroutine.resume(co) print(select(2, coroutine.resume(co)))`, same, false},
	{"coroutine.wrap", `local f = coroutine.wrap(function() `, ` end) print(select(2, pcall(function() local r = f() end)))`,
		func(m string) string { return "t:1: " + m }, true},
}

func same(m string) string { return m }

// TestErrorNames runs every case along every path and checks the message
// is lua5.1's. With NSH_ERRNAMES_DUMP=dir it also writes each program and
// its expected output there, to check them against lua5.1 itself.
func TestErrorNames(t *testing.T) {
	dump := os.Getenv("NSH_ERRNAMES_DUMP")
	for _, p := range errPaths {
		for i, c := range errCases {
			src := p.pre + c.body + p.post
			want := p.want(c.lua51) + "\n"
			if p.name == "coroutine.wrap" && strings.Contains(c.body, "\n") {
				continue // the wrap call's line is not line 1
			}
			if p.firstRun && c.firstRun != "" {
				if dump != "" {
					want = "" // lua5.1 gives c.lua51, checked on the other paths
				} else {
					want = p.want(c.firstRun) + "\n"
				}
			}
			if dump != "" && want != "" {
				base := filepath.Join(dump, fmt.Sprintf("%s-%02d", strings.ReplaceAll(p.name, " ", "_"), i))
				os.WriteFile(base+".lua", []byte(src), 0o644)
				os.WriteFile(base+".want", []byte(want), 0o644)
			}
			if want == "" {
				continue
			}
			t.Run(p.name+"/"+c.name, func(t *testing.T) {
				out, err := runChunk(t, src, "=t")
				if err != "" {
					t.Fatalf("chunk failed: %s", err)
				}
				if out != want {
					t.Errorf("%s\n got  %q\n want %q (lua5.1)", src, out, want)
				}
			})
		}
	}
}

// TestErrorNamesUncaught runs each case as a chunk of its own under a
// message handler that calls Reword, as the runtime's does for a script's
// uncaught error.
func TestErrorNamesUncaught(t *testing.T) {
	for _, c := range errCases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			L := newState(t, &out)
			proto, err := Compile(strings.NewReader(c.body), "=t")
			if err != nil {
				t.Fatal(err)
			}
			handler := L.NewFunction(func(L *lua.LState) int {
				L.Push(Reword(L, L.Get(1)))
				return 1
			})
			L.Push(L.NewFunctionFromProto(proto))
			perr := L.PCall(0, 0, handler)
			api, ok := perr.(*lua.ApiError)
			if !ok {
				t.Fatalf("got %v, want an error", perr)
			}
			if got := api.Object.String(); got != c.lua51 {
				t.Errorf("got %q, want %q (lua5.1)", got, c.lua51)
			}
		})
	}
}

// TestErrorNamesWithoutInternals checks the fallback: with the frame
// internals unknown, a message keeps gopher-lua's words but for those
// that need no frame.
func TestErrorNamesWithoutInternals(t *testing.T) {
	saved := framesOK
	framesOK = false
	t.Cleanup(func() { framesOK = saved })
	for src, want := range map[string]string{
		`print(select(2, pcall(function() undefinedfn() end)))`:  "t:1: attempt to call a non-function object\n",
		`print(select(2, pcall(function() return {} < {} end)))`: "t:1: attempt to compare two table values\n",
	} {
		if out, err := runChunk(t, src, "=t"); out != want || err != "" {
			t.Errorf("%s: got %q (%s), want %q", src, out, err, want)
		}
	}
}

// TestPCallRewords checks compat.PCall, for Go code that runs Lua and
// handles its error: the message is lua5.1's (recorded with lua5.1), and a
// failed call in a loop leaves the caller's upvalues shared, as pcall does.
func TestPCallRewords(t *testing.T) {
	var out bytes.Buffer
	L := newState(t, &out)
	L.SetGlobal("gocall", L.NewFunction(func(L *lua.LState) int {
		L.Push(L.Get(1))
		if err := PCall(L, 0, 0); err != nil {
			L.Push(err.(*lua.ApiError).Object)
			return 1
		}
		return 0
	}))
	src := `local n = 0
local function try(f) if gocall(f) then n = n + 1 end end
for i = 1, 3 do try(function() local t = {} return t.a.b end) end
print(n, gocall(function() undefinedfn() end))`
	proto, err := Compile(strings.NewReader(src), "=t")
	if err != nil {
		t.Fatal(err)
	}
	L.Push(L.NewFunctionFromProto(proto))
	if err := L.PCall(0, 0, nil); err != nil {
		t.Fatal(err)
	}
	if want := "3\tt:4: attempt to call global 'undefinedfn' (a nil value)\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

// TestConcatWithoutIntrinsic checks the words for a chunk compiled
// without the concat intrinsic (gopher-lua's own CONCAT, the fallback when
// the intrinsic cannot be linked); lua5.1's words, recorded with lua5.1.
func TestConcatWithoutIntrinsic(t *testing.T) {
	for body, want := range map[string]string{
		`local x = {} return x .. "a"`:          `t:1: attempt to concatenate local 'x' (a table value)`,
		`local a = {} return "x" .. a.b .. "y"`: `t:1: attempt to concatenate field 'b' (a nil value)`,
		`return "a" .. {} .. "b"`:               `t:1: attempt to concatenate a table value`,
	} {
		var out bytes.Buffer
		L := newState(t, &out)
		proto, err := compileMended([]byte("print(select(2, pcall(function() "+body+" end)))"), "t", false, nil)
		if err != nil {
			t.Fatal(err)
		}
		L.Push(L.NewFunctionFromProto(proto))
		if err := L.PCall(0, 0, nil); err != nil {
			t.Fatal(err)
		}
		if out.String() != want+"\n" {
			t.Errorf("%s: got %q, want %q", body, out.String(), want)
		}
	}
}

// TestXpcallHandlerErrors checks an error inside xpcall's handler: it goes
// to the handler again, and one that keeps failing ends as "error in error
// handling" (outputs recorded with lua5.1).
func TestXpcallHandlerErrors(t *testing.T) {
	for src, want := range map[string]string{
		`print(xpcall(error, error))`:                                          "false\terror in error handling\n",
		`print(xpcall(function() error("x") end, function(m) error("y") end))`: "false\terror in error handling\n",
		`print(xpcall(function() error("x") end, function(m) if m:find("x") then error("y") end return "handled " .. m end))`: "false\thandled t:1: y\n",
		`print(xpcall(function() error("x") end, 42))`:                                         "false\terror in error handling\n",
		`print(xpcall(function() local t; return t.x end, function(m) return "h: " .. m end))`: "false\th: t:1: attempt to index local 't' (a nil value)\n",
	} {
		if got, err := runChunk(t, src, "=t"); got != want || err != "" {
			t.Errorf("%s: got %q (%s), want %q", src, got, err, want)
		}
	}
}
