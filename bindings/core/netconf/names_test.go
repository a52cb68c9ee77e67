//go:build linux

package netconf_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
)

// TestNULNamesNeverReachTheKernel is the reproduction of issue 9: a NUL
// byte in a link name was passed on, the kernel cut the name there, and
// `link.del("a\0other")` deleted "a". Every name of every operation is
// refused first now, and nothing changes.
func TestNULNamesNeverReachTheKernel(t *testing.T) {
	a := newLab(t)
	mustAdd(t, a.c, netconf.LinkSpec{Name: "a", Type: "bridge"})
	mustAdd(t, a.c, netconf.LinkSpec{Name: "p", Type: "veth", Peer: "q"})
	nul := "a\x00other"
	yes := true
	checks := map[string]error{
		"add":          second(a.c.LinkAdd(netconf.LinkSpec{Name: "a\x00x", Type: "bridge"})),
		"add peer":     second(a.c.LinkAdd(netconf.LinkSpec{Name: "v0", Type: "veth", Peer: nul})),
		"add master":   second(a.c.LinkAdd(netconf.LinkSpec{Name: "v1", Type: "veth", Peer: "v2", Master: nul})),
		"add parent":   second(a.c.LinkAdd(netconf.LinkSpec{Name: "m0", Type: "macvlan", Parent: "p\x00x"})),
		"add vxlan":    second(a.c.LinkAdd(netconf.LinkSpec{Name: "x0", Type: "vxlan", ID: 1, Parent: "p\x00x"})),
		"del":          a.c.LinkDel(nul),
		"get":          second(a.c.LinkGet(nul)),
		"set":          a.c.LinkSet(nul, netconf.LinkChange{Up: &yes}),
		"set rename":   a.c.LinkSet("p", netconf.LinkChange{Name: "a\x00y"}),
		"set master":   a.c.LinkSet("p", netconf.LinkChange{Master: nul}),
		"addr add dev": a.c.AddrAdd(nul, "10.0.0.1/24"),
		"addr del dev": a.c.AddrDel(nul, "10.0.0.1/24"),
		"addr list":    second(a.c.AddrList(nul)),
		"route dev":    a.c.RouteAdd(netconf.RouteSpec{Dst: "10.1.0.0/24", Dev: nul}),
		"route list":   second(a.c.RouteList(0, nul)),
	}
	for what, err := range checks {
		if !errors.Is(err, netconf.ErrInvalid) || !strings.Contains(err.Error(), `contains a NUL byte`) {
			t.Errorf("%s: %v, want a NUL byte refused", what, err)
		}
	}
	if names := linkNames(t, a.name); !reflect.DeepEqual(names, []string{"a", "lo", "p", "q"}) {
		t.Errorf("links now %v, want a lo p q", names)
	}
	if addrs := ipJSON(t, a.name, "addr", "show", "dev", "p"); len(addrs[0]["addr_info"].([]any)) != 0 {
		t.Errorf("an address was added: %v", addrs)
	}
}

func second[T any](_ T, err error) error { return err }
