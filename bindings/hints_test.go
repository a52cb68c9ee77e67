//go:build linux

package bindings

import (
	"context"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

// TestStringForOptionsSuggestsTheTable calls every function that takes an
// options table with an ns option with a namespace name where the table
// belongs, positional arguments before it valid: each says what to write.
// A new such function without a case here fails the test.
func TestStringForOptionsSuggestsTheTable(t *testing.T) {
	calls := map[string]string{
		"link.add":     `link.add("lab")`,
		"link.set":     `link.set("lo", "lab")`,
		"link.del":     `link.del("lo", "lab")`,
		"link.get":     `link.get("lo", "lab")`,
		"link.list":    `link.list("lab")`,
		"addr.add":     `addr.add("lo", "10.0.0.1/24", "lab")`,
		"addr.del":     `addr.del("lo", "10.0.0.1/24", "lab")`,
		"addr.list":    `addr.list("lo", "lab")`,
		"route.add":    `route.add("lab")`,
		"route.del":    `route.del("lab")`,
		"route.list":   `route.list("lab")`,
		"route.get":    `route.get("10.0.0.1", "lab")`,
		"net.sysctl":   `net.sysctl("net.ipv4.ip_forward", "1", "lab")`,
		"link.shape":   `link.shape("lo", "lab")`,
		"link.unshape": `link.unshape("lo", "lab")`,
	}
	spec := map[string]string{"link.add": "{name = …, type = …, …}", "route.add": "{dst = …, …}", "route.del": "{dst = …, …}"}
	for _, e := range allEntries() {
		if e.f.Opts == nil || !hasOpt(e.f.Opts.Names(), "ns") {
			continue
		}
		name := e.name()
		code, ok := calls[name]
		if !ok {
			t.Errorf("%s takes {ns=}: add a call with a string in its place to this test", name)
			continue
		}
		want := `to name the namespace, write {ns = "lab"}`
		if s, ok := spec[name]; ok {
			want = name + " takes a table, " + s
		}
		rt := newTestRuntime(t, nil)
		err := rt.DoString(context.Background(), code, "hint")
		if err == nil || !strings.Contains(err.Error(), "table expected, got string: "+want) {
			t.Errorf("%s: %v, want the hint %q", code, err, want)
		}
	}
}

func hasOpt(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// TestNoDeviceNamesWhereItIs: a link missing from the shell's own network
// namespace but present in named ones gets a hint naming them; a netns name
// passed as a device is recognised.
func TestNoDeviceNamesWhereItIs(t *testing.T) {
	testutil.RequireRoot(t)
	a, b, dev := testutil.Name(t), testutil.Name(t), "nd"+testutil.Name(t)[len(testutil.Name(t))-6:]
	rt := newTestRuntime(t, nil)
	t.Cleanup(func() {
		rt.DoString(context.Background(), `pcall(netns.del, "`+a+`") pcall(netns.del, "`+b+`")`, "cleanup")
	})
	setup := `netns.add("` + a + `"):close() netns.add("` + b + `"):close()
		link.add{name = "` + dev + `", type = "veth", peer = "` + dev + `p", ns = "` + a + `"}`
	if err := rt.DoString(context.Background(), setup, "setup"); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		`link.get("` + dev + `")`:                     `looked in the shell's own network namespace; netns ` + a + ` has ` + dev + `: pass {ns = "` + a + `"}`,
		`addr.add("` + dev + `", "10.0.0.1/24")`:      `netns ` + a + ` has ` + dev,
		`addr.list("` + b + `")`:                      b + ` is a network namespace: to act in it, pass {ns = "` + b + `"}`,
		`link.get("` + dev + `", {ns = "` + b + `"})`: `(in netns ` + b + `)`,
	}
	for code, want := range cases {
		err := rt.DoString(context.Background(), code, "nodev")
		if err == nil || !strings.Contains(err.Error(), "no such device") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want it to contain %q", code, err, want)
		}
	}
}
