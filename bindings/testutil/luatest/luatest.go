//go:build linux

// Package luatest runs a module's Lua tests: every global function named
// test_* of every testdata/*_test.lua file, as a Go subtest, each in a
// fresh runtime.
package luatest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings"
	"github.com/nsh-lua/nsh/bindings/testutil"
	lua "github.com/yuin/gopher-lua"
)

// Run runs the Lua tests of the files matching pattern. Each function gets
// a t object: t:fatal(msg), t:log(…), t:name() (a name unique to the run),
// t:prefix(), t:tempdir(), t:cleanup(fn).
func Run(t *testing.T, pattern string) {
	testutil.RequireRoot(t)
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no Lua tests match %s: %v", pattern, err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), "_test.lua"), func(t *testing.T) {
			for _, name := range testNames(t, file) {
				t.Run(name, func(t *testing.T) { runTest(t, file, name) })
			}
		})
	}
}

func testNames(t *testing.T, file string) []string {
	rt := NewRuntime(t, nil)
	var names []string
	err := rt.Do(context.Background(), func(L *lua.LState) error {
		if err := L.DoFile(file); err != nil {
			return err
		}
		L.G.Global.ForEach(func(k, v lua.LValue) {
			if s, ok := k.(lua.LString); ok && strings.HasPrefix(string(s), "test_") && v.Type() == lua.LTFunction {
				names = append(names, string(s))
			}
		})
		return nil
	})
	if err != nil {
		t.Fatalf("load %s: %v", file, err)
	}
	sort.Strings(names)
	return names
}

func runTest(t *testing.T, file, name string) {
	var out bytes.Buffer
	rt := NewRuntime(t, &out)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	code, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.DoString(ctx, string(code), file); err != nil {
		t.Fatalf("load: %v", err)
	}
	err = rt.Do(ctx, func(L *lua.LState) error {
		tobj, cleanups := testObject(L, t)
		_, err := rt.Call(L.GetGlobal(name).(*lua.LFunction), tobj)
		for i := len(*cleanups) - 1; i >= 0; i-- {
			if _, cerr := rt.Call((*cleanups)[i]); cerr != nil {
				t.Errorf("cleanup: %v\n%s", cerr, bindings.Traceback(cerr))
			}
		}
		return err
	})
	if out.Len() > 0 {
		t.Logf("output:\n%s", out.String())
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, bindings.Traceback(err))
	}
}

// testObject builds the t object a Lua test function receives.
func testObject(L *lua.LState, t *testing.T) (*lua.LTable, *[]*lua.LFunction) {
	var cleanups []*lua.LFunction
	obj := L.NewTable()
	fns := map[string]lua.LGFunction{
		"fatal": func(L *lua.LState) int {
			L.RaiseError("%s", L.OptString(2, "t:fatal"))
			return 0
		},
		"log": func(L *lua.LState) int {
			parts := []string{}
			for i := 2; i <= L.GetTop(); i++ {
				parts = append(parts, L.ToStringMeta(L.Get(i)).String())
			}
			t.Log(strings.Join(parts, " "))
			return 0
		},
		"name": func(L *lua.LState) int {
			L.Push(lua.LString(testutil.Name(t)))
			return 1
		},
		"prefix": func(L *lua.LState) int {
			L.Push(lua.LString(testutil.Prefix))
			return 1
		},
		"tempdir": func(L *lua.LState) int {
			L.Push(lua.LString(testutil.TempDir(t)))
			return 1
		},
		"cleanup": func(L *lua.LState) int {
			cleanups = append(cleanups, L.CheckFunction(2))
			return 0
		},
		"raises": raises,
		"expect": expect,
	}
	for name, fn := range fns {
		obj.RawSetString(name, L.NewFunction(fn))
	}
	return obj, &cleanups
}

// NewRuntime starts a runtime writing to out (nil: discard) and closes it
// when the test ends.
func NewRuntime(t testing.TB, out *bytes.Buffer) *bindings.Runtime {
	t.Helper()
	var w bytes.Buffer
	if out == nil {
		out = &w
	}
	rt, err := bindings.New(bindings.Options{Stdout: out, Stderr: out})
	if err != nil {
		t.Fatalf("new runtime: %v", err)
	}
	t.Cleanup(func() { rt.Close() })
	return rt
}

// raises is t:raises(f, ...): it calls f with the arguments under the
// state's pcall and returns the error f raised; no error fails the test.
func raises(L *lua.LState) int {
	L.CheckFunction(2)
	n := L.GetTop() - 1
	L.Insert(L.GetGlobal("pcall"), 2)
	L.Call(n, 2)
	if lua.LVAsBool(L.Get(-2)) {
		L.RaiseError("expected an error")
	}
	return 1
}

// expect is t:expect(err, text): the test fails unless tostring(err)
// contains text.
func expect(L *lua.LState) int {
	msg, text := L.ToStringMeta(L.Get(2)).String(), L.CheckString(3)
	if !strings.Contains(msg, text) {
		L.RaiseError("error %s\nwanted it to contain: %s", msg, text)
	}
	return 0
}
