//go:build linux

package bindings

import (
	"bytes"
	"testing"
)

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

func traceOf(err error) string { return Traceback(err) }
