//go:build linux

package bindings

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestPromptLocals checks that top-level locals typed at the prompt stay
// visible to later entries with a script's meaning: shadowing a global,
// closures sharing the local, a redeclared local leaving old closures on
// the old one, a local declared before an error surviving it.
func TestPromptLocals(t *testing.T) {
	var out bytes.Buffer
	rt := newTestRuntime(t, &out)
	ctx := context.Background()
	steps := []struct{ code, want, err string }{
		{"local x = 41", "", ""},
		{"x + 1", "42", ""},
		{"x = x + 1", "", ""},
		{"x", "42", ""},
		{"rawget(_G, 'x')", "nil", ""},
		{"local n = 0; function inc() n = n + 1; return n end", "", ""},
		{"inc(), inc()", "1\t2", ""},
		{"n", "2", ""},
		{"local n = 100", "", ""},
		{"inc(), n", "3\t100", ""},
		{"local print = function(s) return 'mine ' .. s end", "", ""},
		{"print('a')", `"mine a"`, ""},
		{"local type = 1; function gtype(v) return type end", "", ""},
		{"gtype(nil)", "1", ""},
		{"local function fact(k) if k <= 1 then return 1 end return k * fact(k - 1) end", "", ""},
		{"fact(5)", "120", ""},
		{"local kept = 'yes'; error('boom')", "", "boom"},
		{"kept", `"yes"`, ""},
		{"local a, b = 1, 2 local c = a + b", "", ""},
		{"for i = 1, 3 do local c = i end", "", ""},
		{"a, b, c", "1\t2\t3", ""},
		{"do local hidden = 1 end", "", ""},
		{"hidden", "nil", ""},
		{"...", "", ""},
	}
	for i, s := range steps {
		got, err := rt.EvalInteractive(ctx, "stdin#"+string(rune('a'+i)), s.code)
		if s.err != "" {
			if err == nil || !strings.Contains(err.Error(), s.err) {
				t.Fatalf("%q: err %v, want %q", s.code, err, s.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", s.code, err)
		}
		if got != s.want {
			t.Fatalf("%q = %q, want %q", s.code, got, s.want)
		}
	}
}

// TestDidYouMean checks that calling a missing module function names it
// and the closest one, and that reading a missing field is still nil.
func TestDidYouMean(t *testing.T) {
	rt := newTestRuntime(t, &bytes.Buffer{})
	ctx := context.Background()
	cases := map[string]string{
		`netns.ad("x")`:                  "netns.ad: no such function (did you mean netns.add?)",
		`link.lst{}`:                     "link.lst: no such function (did you mean link.list?)",
		`string.fromat("%d", 1)`:         "string.fromat: no such function (did you mean string.format?)",
		`nsh.zzzzzzzzzzzzzz()`:           "nsh.zzzzzzzzzzzzzz: no such function",
		`local m = {go = print}; m.og()`: "m.og: no such function (did you mean m.go?)",
	}
	for code, want := range cases {
		_, err := rt.EvalInteractive(ctx, "stdin", code)
		if err == nil || err.Error() != want {
			t.Errorf("%s: error %v, want %q", code, err, want)
		}
	}
	if got, err := rt.EvalInteractive(ctx, "stdin", `netns.ad == nil`); err != nil || got != "true" {
		t.Errorf("reading a missing field: %q %v", got, err)
	}
}

// TestPromptLocalCloned checks that ns.clone ships a function defined at
// one prompt that uses a local of an earlier one: the entry's source, as
// the prompt compiles it, is the chunk's source.
func TestPromptLocalCloned(t *testing.T) {
	rt := newTestRuntime(t, nil)
	ctx := context.Background()
	for i, code := range []string{
		"local base = {n = 20}",
		"local function f(k) return base.n * k + 2 end",
		"p = ns.clone(f, {}, 1)",
	} {
		if _, err := rt.EvalInteractive(ctx, "stdin#"+string(rune('1'+i)), code); err != nil {
			t.Fatalf("%s: %v", code, err)
		}
	}
	got, err := rt.EvalInteractive(ctx, "stdin#9", "p:wait()")
	if err != nil || got != "0\t22" {
		t.Fatalf("p:wait() = %q, %v; want 0, 22", got, err)
	}
}
