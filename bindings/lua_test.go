//go:build linux

package bindings

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/testutil"
	lua "github.com/yuin/gopher-lua"
)

// TestLua runs every global function named test_* of every
// testdata/*_test.lua file as a subtest, each in a fresh runtime. The
// function gets a t object: t:fatal(msg), t:log(…), t:name() (a name unique
// to the run), t:prefix(), t:tempdir(), t:cleanup(fn).
func TestLua(t *testing.T) {
	testutil.RequireRoot(t)
	files, err := filepath.Glob("testdata/*_test.lua")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), "_test.lua"), func(t *testing.T) {
			for _, name := range luaTestNames(t, file) {
				t.Run(name, func(t *testing.T) { runLuaTest(t, file, name) })
			}
		})
	}
}

func luaTestNames(t *testing.T, file string) []string {
	rt := newTestRuntime(t, nil)
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

func runLuaTest(t *testing.T, file, name string) {
	var out bytes.Buffer
	rt := newTestRuntime(t, &out)
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
		tobj, cleanups := luaTestObject(L, t)
		_, err := rt.call(L.GetGlobal(name).(*lua.LFunction), tobj)
		for i := len(*cleanups) - 1; i >= 0; i-- {
			if _, cerr := rt.call((*cleanups)[i]); cerr != nil {
				t.Errorf("cleanup: %v\n%s", cerr, traceOf(cerr))
			}
		}
		return err
	})
	if out.Len() > 0 {
		t.Logf("output:\n%s", out.String())
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, traceOf(err))
	}
}

func traceOf(err error) string {
	if le, ok := err.(*LuaError); ok {
		return le.Traceback
	}
	return ""
}

// luaTestObject builds the t object a Lua test function receives.
func luaTestObject(L *lua.LState, t *testing.T) (*lua.LTable, *[]*lua.LFunction) {
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
	}
	for name, fn := range fns {
		obj.RawSetString(name, L.NewFunction(fn))
	}
	return obj, &cleanups
}

// newTestRuntime starts a runtime writing to out (nil: discard) and closes
// it when the test ends.
func newTestRuntime(t testing.TB, out *bytes.Buffer) *Runtime {
	t.Helper()
	var w bytes.Buffer
	if out == nil {
		out = &w
	}
	rt, err := New(Options{Stdout: out, Stderr: out})
	if err != nil {
		t.Fatalf("new runtime: %v", err)
	}
	t.Cleanup(func() { rt.Close() })
	return rt
}
