//go:build linux

package bindings

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/testutil"
	lua "github.com/yuin/gopher-lua"
)

// netLab is the configuration TestNetReadBack makes through link, addr and
// route, in two namespaces A and B.
const netLab = `
netns.add(A); netns.add(B)
link.add{ns = A, name = "br0", type = "bridge", up = true, mtu = 1450}
link.add{ns = A, name = "v0", type = "veth", peer = "w0", peer_ns = B, master = "br0", up = true,
  mtu = 1450, address = "02:00:00:00:01:00"}
link.add{ns = A, name = "vx0", type = "vxlan", id = 7, remote = "10.8.0.9", port = 4789, group = 3}
link.add{ns = A, name = "mv0", type = "macvlan", parent = "br0", mode = "bridge"}
link.set("w0", {ns = B, up = true, mtu = 1400, name = "eth0", address = "02:00:00:00:02:00"})
addr.add("br0", "10.8.0.1/24", {ns = A})
addr.add("br0", "fd08::1/64", {ns = A})
addr.add("eth0", "10.8.0.2/24", {ns = B})
addr.add("eth0", "fd08::2/64", {ns = B})
route.add{ns = B, dst = "default", via = "10.8.0.1"}
route.add{ns = B, dst = "10.9.0.0/16", via = "10.8.0.1", metric = 20}
route.add{ns = B, dst = "10.10.0.0/24", dev = "eth0", src = "10.8.0.2", table = 7}
route.add{ns = B, dst = "fd09::/64", via = "fd08::1"}
`

// luaRows evaluates code that returns a list of strings.
func luaRows(t *testing.T, rt *Runtime, code string) []string {
	t.Helper()
	var rows []string
	err := rt.Do(context.Background(), func(L *lua.LState) error {
		if err := L.DoString(code); err != nil {
			return err
		}
		L.Get(-1).(*lua.LTable).ForEach(func(_, v lua.LValue) { rows = append(rows, v.String()) })
		L.Pop(1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(rows)
	return rows
}

func ipRows(t *testing.T, ns string, row func(map[string]any) []string, args ...string) []string {
	t.Helper()
	var v []map[string]any
	out := testutil.Cmd(t, "ip", append([]string{"-j", "-n", ns}, args...)...)
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("ip %v: %v", args, err)
	}
	var rows []string
	for _, m := range v {
		rows = append(rows, row(m)...)
	}
	sort.Strings(rows)
	return rows
}

func field(m map[string]any, k, def string) string {
	v, ok := m[k]
	if !ok {
		return def
	}
	switch x := v.(type) {
	case []any:
		var s []string
		for _, e := range x {
			s = append(s, fmt.Sprint(e))
		}
		return strings.Join(s, ",")
	}
	return fmt.Sprint(v)
}

const luaLinkRows = `local out = {}
for _, l in ipairs(link.list{ns = NS}) do
  out[#out + 1] = table.concat({l.name, l.index, l.mtu, l.state, table.concat(l.flags, ","),
    l.type == "device" and "-" or l.type, l.name == "lo" and "-" or l.address or "-", l.master or "-"}, " ")
end
return out`

func ipLinkRow(m map[string]any) []string {
	kind := "-"
	if info, ok := m["linkinfo"].(map[string]any); ok {
		kind = field(info, "info_kind", "-")
	}
	addr := field(m, "address", "-")
	if m["ifname"] == "lo" {
		addr = "-"
	}
	return []string{strings.Join([]string{field(m, "ifname", ""), field(m, "ifindex", ""), field(m, "mtu", ""),
		field(m, "operstate", ""), field(m, "flags", ""), kind, addr, field(m, "master", "-")}, " ")}
}

const luaAddrRows = `local out = {}
for _, a in ipairs(addr.list{ns = NS}) do
  out[#out + 1] = table.concat({a.dev, a.family, a.address, a.scope}, " ")
end
return out`

func ipAddrRow(m map[string]any) []string {
	var rows []string
	for _, ai := range m["addr_info"].([]any) {
		a := ai.(map[string]any)
		rows = append(rows, fmt.Sprintf("%s %s %s/%v %s", m["ifname"], a["family"], a["local"], a["prefixlen"], a["scope"]))
	}
	return rows
}

const luaRouteRows = `local out = {}
for _, tbl in ipairs({254, 7}) do
  for _, r in ipairs(route.list{ns = NS, table = tbl}) do
    out[#out + 1] = table.concat({r.dst, r.via or "-", r.dev or "-", r.src or "-", r.metric,
      r.protocol, r.scope == "global" and "-" or r.scope}, " ")
  end
end
return out`

func ipRouteRow(m map[string]any) []string {
	return []string{strings.Join([]string{field(m, "dst", ""), field(m, "gateway", "-"), field(m, "dev", "-"),
		field(m, "prefsrc", "-"), field(m, "metric", "0"), field(m, "protocol", "boot"), field(m, "scope", "-")}, " ")}
}

// eventually reads rows through nsh (code) and through ip (rows) until both
// agree, for up to 3s: IPv6 link-local addresses and routes, carrier and
// operstate appear asynchronously. It returns the last two readings.
func eventually(t *testing.T, rt *Runtime, code string, rows func() []string) ([]string, []string) {
	var got, want []string
	for try := 0; try < 60; try++ {
		if got, want = luaRows(t, rt, code), rows(); reflect.DeepEqual(got, want) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return got, want
}

// TestNetReadBack configures links, addresses and routes through nsh and
// reads them back through nsh and through `ip -j`: both must agree.
func TestNetReadBack(t *testing.T) {
	testutil.RequireRoot(t)
	a, b := testutil.Name(t), testutil.Name(t)
	rt := newTestRuntime(t, nil)
	t.Cleanup(func() {
		testutil.Cmd(t, "ip", "netns", "del", a)
		testutil.Cmd(t, "ip", "netns", "del", b)
	})
	if err := rt.DoString(context.Background(), fmt.Sprintf("A, B = %q, %q\n%s", a, b, netLab), "lab"); err != nil {
		t.Fatal(err)
	}
	for _, ns := range []string{a, b} {
		set := fmt.Sprintf("NS = %q\n", ns)
		check := func(what string, got, want []string) {
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s in %s:\n nsh %q\n ip  %q", what, ns, got, want)
			}
		}
		got, want := eventually(t, rt, set+luaLinkRows, func() []string { return ipRows(t, ns, ipLinkRow, "-d", "link", "show") })
		check("links", got, want)
		got, want = eventually(t, rt, set+luaAddrRows, func() []string { return ipRows(t, ns, ipAddrRow, "addr", "show") })
		check("addrs", got, want)
		got, want = eventually(t, rt, set+luaRouteRows, func() []string {
			routes := append(ipRows(t, ns, ipRouteRow, "route", "show"), ipRows(t, ns, ipRouteRow, "-6", "route", "show")...)
			if ns == b {
				routes = append(routes, ipRows(t, ns, ipRouteRow, "route", "show", "table", "7")...)
			}
			sort.Strings(routes)
			return routes
		})
		check("routes", got, want)
	}
	// Spot checks that the values are the ones asked for, not only equal.
	rows := strings.Join(luaRows(t, rt, fmt.Sprintf("NS = %q\n", b)+luaLinkRows), "\n")
	if !strings.Contains(rows, "eth0") || !strings.Contains(rows, " 1400 ") || !strings.Contains(rows, "02:00:00:00:02:00") {
		t.Errorf("links in B:\n%s", rows)
	}
}
