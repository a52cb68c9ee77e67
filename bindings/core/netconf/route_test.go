//go:build linux

package netconf_test

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"golang.org/x/sys/unix"
)

// ipRoutes flattens `ip -j route show` into comparable lines.
func ipRoutes(t *testing.T, ns string, args ...string) []string {
	var out []string
	for _, r := range ipJSON(t, ns, args...) {
		out = append(out, fmt.Sprintf("%v via=%v dev=%v src=%v metric=%v proto=%v scope=%v",
			r["dst"], str(r["gateway"]), str(r["dev"]), str(r["prefsrc"]), num(r["metric"]), proto(r["protocol"]), str(r["scope"])))
	}
	sort.Strings(out)
	return out
}

// proto reads ip's protocol field, which ip -j omits for "boot".
func proto(v any) any {
	if v == nil {
		return "boot"
	}
	return v
}

func str(v any) any {
	if v == nil {
		return ""
	}
	return v
}

func num(v any) any {
	if v == nil {
		return 0.0
	}
	return v
}

func nshRoutes(t *testing.T, rs []netconf.Route) []string {
	var out []string
	for _, r := range rs {
		scope := r.Scope
		if scope == "global" {
			scope = "" // ip -j omits the universe scope
		}
		out = append(out, fmt.Sprintf("%v via=%v dev=%v src=%v metric=%v proto=%v scope=%v",
			r.Dst, r.Via, r.Dev, r.Src, float64(r.Metric), r.Protocol, scope))
	}
	sort.Strings(out)
	return out
}

func TestRoutesMatchIP(t *testing.T) {
	a := newLab(t)
	mustAdd(t, a.c, netconf.LinkSpec{Name: "e0", Type: "veth", Peer: "e1", Up: true})
	must(t, a.c.LinkSet("e1", netconf.LinkChange{Up: ptr(true)}))
	must(t, a.c.AddrAdd("e0", "10.0.0.1/24"))
	must(t, a.c.AddrAdd("e0", "fd00::1/64"))
	specs := []netconf.RouteSpec{
		{Dst: "default", Via: "10.0.0.254"},
		{Dst: "10.1.0.0/16", Via: "10.0.0.2", Metric: 50},
		{Dst: "10.2.0.0/24", Dev: "e0", Src: "10.0.0.1"},
		{Dst: "10.3.0.7", Dev: "e0"},
		{Dst: "fd01::/64", Via: "fd00::2"},
		{Dst: "default", Via: "fd00::fe"},
		{Dst: "10.4.0.0/24", Via: "10.0.0.3", Table: 100},
	}
	for _, s := range specs {
		must(t, a.c.RouteAdd(s))
	}
	// IPv6 link-local routes come and go with addrconf, asynchronously:
	// compare once both readers agree, or show the difference after 3s.
	var got, want []string
	for try := 0; try < 60; try++ {
		main, err := a.c.RouteList(0, "")
		must(t, err)
		got = nshRoutes(t, main)
		want = append(ipRoutes(t, a.name, "route", "show"), ipRoutes(t, a.name, "-6", "route", "show")...)
		sort.Strings(want)
		if reflect.DeepEqual(got, want) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RouteList main:\n nsh %q\n ip  %q", got, want)
	}
	t100, err := a.c.RouteList(100, "")
	must(t, err)
	if got, want := nshRoutes(t, t100), ipRoutes(t, a.name, "route", "show", "table", "100"); !reflect.DeepEqual(got, want) {
		t.Errorf("RouteList 100:\n nsh %q\n ip  %q", got, want)
	}
	via, err := a.c.RouteGet("10.1.2.3")
	must(t, err)
	if len(via) != 1 || via[0].Via != "10.0.0.2" || via[0].Dev != "e0" {
		t.Errorf("RouteGet(10.1.2.3) = %+v", via)
	}
	for _, s := range specs {
		must(t, a.c.RouteDel(s))
	}
	if left := ipRoutes(t, a.name, "route", "show", "table", "100"); len(left) != 0 {
		t.Errorf("after RouteDel, table 100 has %q", left)
	}
	for _, r := range ipRoutes(t, a.name, "route", "show") {
		if r[:3] != "10." || r[:7] == "10.1.0." {
			t.Errorf("route left after RouteDel: %q", r)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestRouteErrors(t *testing.T) {
	a := newLab(t)
	cases := []struct {
		spec netconf.RouteSpec
		want string
		is   error
	}{
		{netconf.RouteSpec{Dst: "10.0.0.0/8", Dev: "eth9"}, "route add: eth9: no such device", unix.ENODEV},
		{netconf.RouteSpec{Dst: "10.0.0.0/33", Dev: "lo"}, `route add: 10.0.0.0/33: invalid address "10.0.0.0/33": want ADDRESS/PREFIX such as 10.0.0.1/24`, netconf.ErrInvalid},
		{netconf.RouteSpec{Dst: "10.0.0.0/8", Via: "x"}, `route add: 10.0.0.0/8: via: invalid IP address "x"`, netconf.ErrInvalid},
		{netconf.RouteSpec{Via: "10.0.0.1"}, `route add: route needs dst (a prefix or "default")`, netconf.ErrInvalid},
		{netconf.RouteSpec{Dst: "10.0.0.0/8", Via: "10.9.9.9"}, "route add: 10.0.0.0/8: network is unreachable", unix.ENETUNREACH},
	}
	for _, c := range cases {
		err := a.c.RouteAdd(c.spec)
		if err == nil || err.Error() != c.want || !errors.Is(err, c.is) {
			t.Errorf("RouteAdd(%+v) = %v, want %q", c.spec, err, c.want)
		}
	}
	if _, err := a.c.RouteGet("10.9.9.9"); !errors.Is(err, unix.ENETUNREACH) {
		t.Errorf("RouteGet unreachable = %v", err)
	}
}
