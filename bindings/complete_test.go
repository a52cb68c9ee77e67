//go:build linux

package bindings

import (
	"context"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

// TestCompleteOptions checks option names inside a call's options table,
// from the OptSet declarations, in each argument position a table takes.
func TestCompleteOptions(t *testing.T) {
	rt := newTestRuntime(t, nil)
	cases := []struct {
		line string
		want []string
		n    int
	}{
		{"link.list{n", []string{"ns = "}, 1},
		{"link.list({n", []string{"ns = "}, 1},
		{`addr.add("a0", "10.0.0.1/24", {n`, []string{"ns = "}, 1},
		{"link.add{name = 'x', type = 'veth', pe", []string{"peer = ", "peer_ns = "}, 2},
		{"link.add{name = 'x'; ty", []string{"type = "}, 2},
		{"x = {n", []string{"next(", "netns", "net", "ns", "nsh"}, 1},
	}
	for _, c := range cases {
		got, n := rt.Complete(c.line)
		if c.line == "x = {n" {
			// not a call: the globals, whatever else is loaded
			if !strings.Contains(strings.Join(got, ","), "next(") || n != c.n {
				t.Errorf("Complete(%q) = %q, %d", c.line, got, n)
			}
			continue
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") || n != c.n {
			t.Errorf("Complete(%q) = %q, %d; want %q, %d", c.line, got, n, c.want, c.n)
		}
	}
	// A value, not a key: the globals.
	if got, _ := rt.Complete("link.list{ns = ns.sel"); strings.Join(got, ",") != "ns.self(" {
		t.Errorf("value completion = %q", got)
	}
}

// TestCompleteNetnsNames checks netns names inside a string where a
// namespace is expected, and nothing in other strings.
func TestCompleteNetnsNames(t *testing.T) {
	testutil.RequireRoot(t)
	name := testutil.Name(t)
	h, err := netns.Add(name)
	if err != nil {
		t.Fatal(err)
	}
	h.Close()
	t.Cleanup(func() { netns.Del(name) })
	rt := newTestRuntime(t, nil)
	prefix := name[:len(name)-1]
	for _, line := range []string{
		`netns.get("` + prefix,
		`netns.exec('` + prefix,
		`netns.get "` + prefix,
		`link.list{ns = "` + prefix,
		`addr.list("eth0", {ns = "` + prefix,
		`link.add{name = "v", type = "veth", peer_ns = "` + prefix,
	} {
		got, n := rt.Complete(line)
		if !contains(got, name) || n != len(prefix) {
			t.Errorf("Complete(%q) = %q, %d; want %s among them, %d", line, got, n, name, len(prefix))
		}
	}
	for _, line := range []string{`print("` + prefix, `link.get("` + prefix, `link.list{name = "` + prefix, `netns.add("` + prefix} {
		if got, _ := rt.Complete(line); len(got) > 0 {
			t.Errorf("Complete(%q) = %q, want nothing", line, got)
		}
	}
}

// TestCompletePromptLocals checks that the prompt's locals complete, as
// names and through their fields.
func TestCompletePromptLocals(t *testing.T) {
	rt := newTestRuntime(t, nil)
	if _, err := rt.EvalInteractive(context.Background(), "stdin#1", "local mylab = {hosts = {a = 1}}"); err != nil {
		t.Fatal(err)
	}
	if got, _ := rt.Complete("myl"); strings.Join(got, ",") != "mylab" {
		t.Errorf("Complete(myl) = %q", got)
	}
	if got, _ := rt.Complete("mylab.ho"); strings.Join(got, ",") != "mylab.hosts" {
		t.Errorf("Complete(mylab.ho) = %q", got)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
