package compat

import (
	"reflect"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// TestFrameInternalsCanary fails loudly when a gopher-lua upgrade renames
// or retypes the internals the error messages read (internals_frame.go):
// the messages would silently fall back to gopher-lua's words.
func TestFrameInternalsCanary(t *testing.T) {
	if frameType == nil {
		t.Fatal("gopher-lua internals changed: Debug.frame is no longer a pointer to a struct; review internals_frame.go")
	}
	for name, f := range map[string]fieldAt{
		"Debug.frame *callFrame":                            dbgFrame,
		"callFrame.Fn *LFunction":                           frameFn,
		"callFrame.Pc int":                                  framePc,
		"LState.stack with Sp() int and At(int) *callFrame": stackField,
	} {
		if !f.ok {
			t.Errorf("gopher-lua internals changed: %s is gone; review internals_frame.go", name)
		}
	}
	if !framesOK || !stackOK {
		t.Fatal("variable names in error messages are off")
	}
	// The frame read back is the running one: a Go function called from
	// line 2 of a chunk sees its caller at the CALL instruction there.
	var out strings.Builder
	L := lua.NewState()
	defer L.Close()
	L.SetGlobal("probe", L.NewFunction(func(L *lua.LState) int {
		fn, pc, _, ok := luaFrame(L, 1)
		if !ok {
			out.WriteString("no frame")
			return 0
		}
		in := decode(fn.Proto.Code[pc])
		out.WriteString(fn.Proto.SourceName)
		if in.op == lua.OP_CALL && fn.Proto.DbgSourcePositions[pc] == 2 {
			out.WriteString(" CALL at line 2")
		}
		return 0
	}))
	if err := L.DoString("local x = 1\nprobe()\n"); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "<string> CALL at line 2" {
		t.Errorf("frame read back: %q, want %q", got, "<string> CALL at line 2")
	}
}

// TestErrNamesCanary checks the instruction layout errnames.go decodes:
// undefinedfn() compiles to a GETGLOBAL of constant 0 into register 0 and
// a CALL of register 0 with no arguments and no results; t.k = v to a
// SETTABLEKS of register 0 (the table is A).
func TestErrNamesCanary(t *testing.T) {
	p, err := lua.Compile(mustParse(t, "undefinedfn()"), "canary")
	if err != nil {
		t.Fatal(err)
	}
	want := []inst{{op: lua.OP_GETGLOBAL, a: 0, bx: 0}, {op: lua.OP_CALL, a: 0, b: 1, c: 1}}
	for i, w := range want {
		got := decode(p.Code[i])
		if got.op != w.op || got.a != w.a || w.op == lua.OP_GETGLOBAL && got.bx != w.bx ||
			w.op == lua.OP_CALL && (got.b != w.b || got.c != w.c) {
			t.Errorf("instruction %d decodes as %+v, want %+v: gopher-lua's layout changed; review errnames.go", i, got, w)
		}
	}
	if s, ok := constString(p, 0); !ok || s != "undefinedfn" {
		t.Errorf("constant 0 is %q, want undefinedfn", s)
	}
	p, err = lua.Compile(mustParse(t, "local t = {} t.k = 1"), "canary")
	if err != nil {
		t.Fatal(err)
	}
	var set inst
	for _, word := range p.Code {
		if in := decode(word); in.op == lua.OP_SETTABLEKS {
			set = in
		}
	}
	if set.op != lua.OP_SETTABLEKS || set.a != 0 {
		t.Errorf("t.k = 1 decodes as %+v: gopher-lua's layout changed; review errnames.go", set)
	}
}

func mustParse(t *testing.T, src string) []ast.Stmt {
	t.Helper()
	chunk, err := parse.Parse(strings.NewReader(src), "canary")
	if err != nil {
		t.Fatal(err)
	}
	return chunk
}

// TestHookPanicOnce checks that hooking a coroutine's Panic at every
// resume wraps it once, not once per resume (which would allocate).
func TestHookPanicOnce(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	th, _ := L.NewThread()
	hookPanic(th)
	if reflect.ValueOf(th.Panic).Pointer() != hookCode {
		t.Fatal("hookPanic does not recognise its own hook")
	}
	if n := testing.AllocsPerRun(100, func() { hookPanic(th) }); n != 0 {
		t.Fatalf("hooking a hooked coroutine allocates %v times", n)
	}
}
