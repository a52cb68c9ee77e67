//go:build linux

package bindings

import (
	"errors"
	"testing"
)

// FuzzCheck feeds arbitrary text to the REPL's compile check: it must
// answer nil or a *SyntaxError, never panic or hang, and a chunk it calls
// complete must stay complete with more text appended after a newline only
// if it compiled.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"if x then", "f(", "{", "[[", "x = = 2", "return 1", "--[[", "x = 'a", "local function f() end"} {
		f.Add(s)
	}
	rt, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { rt.Close() })
	f.Fuzz(func(t *testing.T, code string) {
		err := rt.Check(code)
		var se *SyntaxError
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("Check(%q) = %T %v", code, err, err)
		}
	})
}
