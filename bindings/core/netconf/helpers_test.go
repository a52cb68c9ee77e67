//go:build linux

package netconf_test

import (
	"encoding/json"
	"sort"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

// lab is a named namespace made for one test, with a Conn inside it.
type lab struct {
	name string
	fd   int
	c    *netconf.Conn
}

// newLab makes a named network namespace and opens a Conn in it; both go
// away when the test ends.
func newLab(t *testing.T) *lab {
	t.Helper()
	testutil.RequireRoot(t)
	name := testutil.Name(t)
	h, err := netns.Add(name)
	if err != nil {
		t.Fatalf("netns.Add(%s): %v", name, err)
	}
	c, err := netconf.Open(h.Fd())
	if err != nil {
		h.Close()
		netns.Del(name)
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		c.Close()
		h.Close()
		if err := netns.Del(name); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	return &lab{name: name, fd: h.Fd(), c: c}
}

// ipJSON runs `ip -j -n NS ARGS…` and decodes its output.
func ipJSON(t *testing.T, ns string, args ...string) []map[string]any {
	t.Helper()
	out := testutil.Cmd(t, "ip", append([]string{"-j", "-n", ns}, args...)...)
	var v []map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("ip %v: bad JSON %q: %v", args, out, err)
	}
	return v
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// linkNames lists the link names of a namespace, as ip shows them, sorted.
func linkNames(t *testing.T, ns string) []string {
	t.Helper()
	var out []string
	for _, l := range ipJSON(t, ns, "link", "show") {
		out = append(out, l["ifname"].(string))
	}
	sort.Strings(out)
	return out
}

// mustAdd adds a link and fails the test on error.
func mustAdd(t *testing.T, c *netconf.Conn, s netconf.LinkSpec) {
	t.Helper()
	if _, err := c.LinkAdd(s); err != nil {
		t.Fatal(err)
	}
}
