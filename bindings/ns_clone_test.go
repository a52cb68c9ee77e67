//go:build linux

package bindings

import (
	"context"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

// TestCloneFromPromptLine: a function typed at the prompt (compiled as
// "return " .. line when that parses) still travels to the child.
func TestCloneFromPromptLine(t *testing.T) {
	testutil.RequireRoot(t)
	rt := newTestRuntime(t, nil)
	ctx := context.Background()
	got, err := rt.EvalInteractive(ctx, "stdin#1", `ns.clone(function(a) return a * 2, "x" end, {"uts"}, 21):wait()`)
	if err != nil {
		t.Fatalf("%v\n%s", err, traceOf(err))
	}
	if got != "0\t42\t\"x\"" {
		t.Fatalf("got %q, want 0, 42, \"x\"", got)
	}
	_, err = rt.EvalInteractive(ctx, "stdin#2", `local up = {n = 5}; p = ns.clone(function() return up.n end)`)
	if err != nil {
		t.Fatal(err)
	}
	// A function defined at one prompt and cloned at a later one: each
	// prompt chunk keeps its own source.
	if _, err := rt.EvalInteractive(ctx, "stdin#3", `function triple(x) return 3 * x end`); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.EvalInteractive(ctx, "stdin#4", `q = ns.clone(triple, {}, 7)`); err != nil {
		t.Fatalf("%v\n%s", err, traceOf(err))
	}
	if vals, err := rt.Eval(ctx, `return q:wait()`, "later"); err != nil || len(vals) != 2 || vals[1].String() != "21" {
		t.Fatalf("clone of an earlier prompt's function: %v %v", vals, err)
	}
	vals, err := rt.Eval(ctx, `return p:wait()`, "later")
	if err != nil || len(vals) != 2 || vals[1].String() != "5" {
		t.Fatalf("wait: %v %v", vals, err)
	}
}
