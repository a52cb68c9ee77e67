//go:build linux

package bindings

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestHelp checks help() lists every module and help(name) prints a
// function's registry entry, by name or by the function value itself.
func TestHelp(t *testing.T) {
	var out bytes.Buffer
	rt := newTestRuntime(t, &out)
	if err := rt.DoString(context.Background(), `help()`, "t"); err != nil {
		t.Fatal(err)
	}
	for _, m := range Modules() {
		if !strings.Contains(out.String(), "  "+m.Name+" ") {
			t.Errorf("help() does not list module %s:\n%s", m.Name, out.String())
		}
	}
	for _, call := range []string{`help("nsh.repr")`, `help(nsh.repr)`} {
		out.Reset()
		if err := rt.DoString(context.Background(), call, "t"); err != nil {
			t.Fatal(err)
		}
		want := "nsh.repr(v) → string\n  Returns the text nsh.pp would print for a value.\n  Example:\n"
		if !strings.HasPrefix(out.String(), want) {
			t.Errorf("%s printed:\n%s\nwant prefix:\n%s", call, out.String(), want)
		}
	}
	out.Reset()
	if err := rt.DoString(context.Background(), `help("ns")`, "t"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "handle:type()") || !strings.Contains(out.String(), "ns.open(") {
		t.Errorf("help(\"ns\") lacks functions or methods:\n%s", out.String())
	}
}
