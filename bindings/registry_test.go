//go:build linux

package bindings

import (
	"bytes"
	"context"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/nsh-lua/nsh/bindings/testutil"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

// entry is one documented function: a module function or a class method.
type entry struct {
	module, class string
	f             vocab.Func
}

func (e entry) name() string {
	if e.class != "" {
		return e.class + ":" + e.f.Name
	}
	return e.module + "." + e.f.Name
}

func allEntries() []entry {
	var out []entry
	for _, m := range Modules() {
		for _, f := range m.Funcs {
			out = append(out, entry{module: m.Name, f: f})
		}
		for _, c := range m.Classes {
			for _, f := range c.Methods {
				out = append(out, entry{module: m.Name, class: c.Name, f: f})
			}
		}
	}
	return out
}

// TestReferenceUpToDate fails when docs/reference.md differs from what the
// registry generates: run go generate ./bindings.
func TestReferenceUpToDate(t *testing.T) {
	var want bytes.Buffer
	if err := Modules().WriteReference(&want); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../docs/reference.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatal("docs/reference.md is stale: run `go generate ./bindings` and commit the result")
	}
}

// TestRegistryDocumented checks every entry has a signature, a one-sentence
// doc starting with a capitalised verb, and an example.
func TestRegistryDocumented(t *testing.T) {
	for _, m := range Modules() {
		if m.Doc == "" {
			t.Errorf("module %s has no doc", m.Name)
		}
	}
	for _, e := range allEntries() {
		f := e.f
		switch {
		case f.Args == "" || !strings.HasPrefix(f.Args, "(") && !strings.HasPrefix(f.Args, "{"):
			t.Errorf("%s: Args must be a parameter list ( or a table call {, got %q", e.name(), f.Args)
		case f.Doc == "" || !unicode.IsUpper([]rune(f.Doc)[0]) || !strings.HasSuffix(f.Doc, "."):
			t.Errorf("%s: Doc must be a sentence, got %q", e.name(), f.Doc)
		case strings.TrimSpace(f.Example) == "":
			t.Errorf("%s: no example", e.name())
		}
	}
}

// TestRegistryFunctionsExist checks that every documented function exists
// in a runtime, including those the module's Lua source defines.
func TestRegistryFunctionsExist(t *testing.T) {
	rt := newTestRuntime(t, nil)
	err := rt.Do(context.Background(), func(L *lua.LState) error {
		for _, e := range allEntries() {
			var fn lua.LValue
			if e.class != "" {
				mt := L.GetTypeMetatable(vocab.ClassMeta(e.module, e.class))
				fn = L.GetField(L.GetField(mt, "__methods"), e.f.Name)
			} else {
				fn = fieldPath(L, L.GetGlobal(e.module), e.f.Name)
			}
			if fn.Type() != lua.LTFunction {
				t.Errorf("%s is documented but is %s in the runtime", e.name(), fn.Type())
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestExamples runs every registry example in a fresh runtime.
func TestExamples(t *testing.T) {
	testutil.RequireRoot(t)
	for _, e := range allEntries() {
		t.Run(e.name(), func(t *testing.T) {
			var out bytes.Buffer
			rt := newTestRuntime(t, &out)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			before := hostObjects()
			err := rt.DoString(ctx, e.f.Example, "example")
			rt.Close() // what the example left open is released now
			if left := newHostObjects(before); len(left) > 0 {
				t.Errorf("example of %s left behind: %s", e.name(), strings.Join(left, ", "))
			}
			if err != nil {
				t.Fatalf("example of %s failed: %v\n%s\noutput:\n%s", e.name(), err, traceOf(err), out.String())
			}
		})
	}
}

// badArgs are values no nsh function takes as its first argument.
var badArgs = map[string]string{
	"boolean":   "true",
	"function":  "function() end",
	"coroutine": "coroutine.create(function() end)",
}

// TestBadArgumentTypes calls every function that takes arguments with
// values of wrong types: each either succeeds (functions that take any
// value) or raises "bad argument #n to 'name' (…)" — never a Go panic or an
// internal error.
func TestBadArgumentTypes(t *testing.T) {
	for _, e := range allEntries() {
		if e.f.Fn == nil || strings.HasPrefix(e.f.Args, "()") && e.class == "" {
			continue // Lua-defined, or takes nothing (and may act: never call blindly)
		}
		for kind, value := range badArgs {
			t.Run(e.name()+"/"+kind, func(t *testing.T) {
				checkBadCall(t, e, value)
			})
		}
	}
}

func checkBadCall(t *testing.T, e entry, value string) {
	rt := newTestRuntime(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := rt.Do(ctx, func(L *lua.LState) error {
		var fn lua.LValue
		if e.class != "" {
			mt := L.GetTypeMetatable(vocab.ClassMeta(e.module, e.class))
			fn = L.GetField(L.GetField(mt, "__methods"), e.f.Name)
		} else {
			fn = fieldPath(L, L.GetGlobal(e.module), e.f.Name)
		}
		arg, err := rt.compile("return "+value, "badarg")
		if err != nil {
			return err
		}
		v, err := rt.call(arg)
		if err != nil {
			return err
		}
		_, err = rt.call(fn.(*lua.LFunction), v[0])
		return err
	})
	if err == nil {
		return
	}
	msg := err.Error()
	for _, bad := range []string{"internal error", "runtime error", "nil pointer", "invalid memory", "goroutine"} {
		if strings.Contains(msg, bad) {
			t.Fatalf("%s(%s) escaped a Go failure: %s", e.name(), value, msg)
		}
	}
	if !strings.Contains(msg, "bad argument #") {
		t.Fatalf("%s(%s): want a 'bad argument #n' error, got: %s", e.name(), value, msg)
	}
	var le *LuaError
	if !errors.As(err, &le) {
		t.Fatalf("%s(%s): not a Lua error: %v", e.name(), value, err)
	}
	ev, ok := vocab.AsError(le.Value)
	if !ok || ev.Op != e.name() || ev.Arg < 1 {
		t.Fatalf("%s(%s): want the error value with op %q and arg set, got %#v (%s)", e.name(), value, e.name(), ev, msg)
	}
}

// optionInArgs finds "name=" in a signature such as "{name=, type=, ns=}".
var optionInArgs = regexp.MustCompile(`([a-z_]+)=`)

// TestOptionsDeclared checks that every function whose signature shows an
// options table declares each option once, with a kind and a doc, and that
// the declaration names the function as the reference does.
func TestOptionsDeclared(t *testing.T) {
	for _, e := range allEntries() {
		shown := optionInArgs.FindAllStringSubmatch(e.f.Args, -1)
		if len(shown) == 0 {
			continue
		}
		s := e.f.Opts
		if s == nil {
			t.Errorf("%s shows options %s but declares none", e.name(), e.f.Args)
			continue
		}
		if s.Func != e.name() && !strings.HasSuffix(e.name(), "."+s.Func) {
			t.Errorf("%s: its options are declared for %q", e.name(), s.Func)
		}
		seen := map[string]bool{}
		for _, o := range s.Opts {
			switch {
			case seen[o.Name]:
				t.Errorf("%s: option %s declared twice", e.name(), o.Name)
			case o.Doc == "" || o.Kind.String() == "":
				t.Errorf("%s: option %s has no doc or kind", e.name(), o.Name)
			}
			seen[o.Name] = true
		}
		for _, m := range shown {
			if !seen[m[1]] {
				t.Errorf("%s shows option %s but does not declare it", e.name(), m[1])
			}
		}
	}
}

// hostObjects lists the host's named network namespaces and links, which
// an example must leave as it found them.
func hostObjects() map[string]bool {
	out := map[string]bool{}
	for _, dir := range []string{"/run/netns", "/sys/class/net"} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			out[dir+"/"+e.Name()] = true
		}
	}
	return out
}

// otherRun matches names made by the tests of another package running at
// the same time (go test runs packages in parallel): they carry that test
// process's prefix, not ours.
var otherRun = regexp.MustCompile(`nt[0-9a-z]{4}`)

// newHostObjects returns what appeared since before. Examples run one at a
// time, so what appeared during one is that example's, but for the objects
// of other test processes.
func newHostObjects(before map[string]bool) []string {
	var out []string
	for name := range hostObjects() {
		if before[name] || otherRun.MatchString(name) && !strings.Contains(name, testutil.Prefix) {
			continue
		}
		out = append(out, name)
	}
	return out
}

// fieldPath reads a dotted field ("json.encode") of v.
func fieldPath(L *lua.LState, v lua.LValue, path string) lua.LValue {
	for _, part := range strings.Split(path, ".") {
		v = L.GetField(v, part)
	}
	return v
}
