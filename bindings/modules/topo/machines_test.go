//go:build linux

package topo_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

// machineSpec places h1 (and s) on machine a and h2 on machine b: the links
// s-h2 and h1-h2 cross machines and become VXLAN tunnels.
const machineSpec = `{
  prefix = "lab-",
  hosts = {"h1", "h2"}, switches = {"s"},
  place = {h1 = "a", s = "a", h2 = "b"},
  machines = {a = {underlay = "192.0.2.1"}, b = {underlay = "192.0.2.2"}},
  links = {{"h1", "s", ip = {"10.0.0.1/24"}}, {"s", "h2", ip = {false, "10.0.0.2/24"}},
           {"h1", "h2", ip = {"10.1.0.1/24", "10.1.0.2/24"}}},
}`

// machineScript builds machine ARG[1]'s part, pings the other machine's
// host over both tunnels, says so in a file, waits for the other machine
// to say the same, then tears its part down.
const machineScript = `local me, peer, sync = arg[1], arg[2], arg[3]
local lab = topo.apply(` + machineSpec + `, {machine = me})
local node = me == "a" and "h1" or "h2"
local targets = me == "a" and {"10.0.0.2", "10.1.0.2"} or {"10.0.0.1", "10.1.0.1"}
for _, ip in ipairs(targets) do
  local ok = false
  for _ = 1, 50 do
    if lab:exec(node, "ping", "-c1", "-W1", ip, {stdout = "null", stderr = "null"}).code == 0 then ok = true; break end
  end
  print(me, "ping", ip, ok and "ok" or "FAILED")
end
local st = lab:state()
for _, l in ipairs(st.links) do print(me, "link", l.a .. ":" .. l.a_dev, l.b, l.vni or "-", l.state) end
io.open(sync .. "/" .. me, "w"):close()
for _ = 1, 300 do
  if io.open(sync .. "/" .. peer) then break end
  ns.run{"sleep", "0.05"}
end
lab:down()
print(me, "down", #topo.list())
`

// TestTwoMachines builds a lab over two "machines" on this host: two
// network namespaces joined by a veth underlay, each with an nsh process
// of its own in a mount namespace with private /run/netns and /run/nsh.
// Each applies its part of one spec; hosts on different machines ping
// each other through VXLAN; each part tears down only its own.
func TestTwoMachines(t *testing.T) {
	testutil.RequireRoot(t)
	bin := buildNsh(t)
	dir := testutil.TempDir(t)
	ma, mb := testutil.Name(t), testutil.Name(t)
	for _, m := range []string{ma, mb} {
		testutil.Cmd(t, "ip", "netns", "add", m)
		m := m
		t.Cleanup(func() { exec.Command("ip", "netns", "del", m).Run() })
	}
	testutil.Cmd(t, "ip", "-n", ma, "link", "add", "u0", "type", "veth", "peer", "name", "u0", "netns", mb)
	for i, m := range []string{ma, mb} {
		testutil.Cmd(t, "ip", "-n", m, "addr", "add", fmt.Sprintf("192.0.2.%d/24", i+1), "dev", "u0")
		testutil.Cmd(t, "ip", "-n", m, "link", "set", "u0", "up")
		testutil.Cmd(t, "ip", "-n", m, "link", "set", "lo", "up")
	}
	script := filepath.Join(dir, "machine.lua")
	if err := os.WriteFile(script, []byte(machineScript), 0o644); err != nil {
		t.Fatal(err)
	}
	syncDir := filepath.Join(dir, "sync")
	os.Mkdir(syncDir, 0o755)
	outs := make([]string, 2)
	var wg sync.WaitGroup
	for i, m := range []string{ma, mb} {
		me, peer := "a", "b"
		if i == 1 {
			me, peer = "b", "a"
		}
		inner := "mount -t tmpfs none /run/netns && mkdir -p /run/nsh && mount -t tmpfs none /run/nsh && exec " +
			bin + " " + script + " " + me + " " + peer + " " + syncDir
		cmd := exec.Command("nsenter", "--net=/run/netns/"+m, "unshare", "-m", "--propagation", "private",
			"sh", "-c", "mkdir -p /run/netns && "+inner)
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			out, err := cmd.CombinedOutput()
			outs[i] = string(out)
			if err != nil {
				outs[i] += "\nexit: " + err.Error()
			}
		}(i)
	}
	wg.Wait()
	all := outs[0] + outs[1]
	t.Logf("machine a:\n%s\nmachine b:\n%s", outs[0], outs[1])
	for _, want := range []string{
		"a\tping\t10.0.0.2\tok", "a\tping\t10.1.0.2\tok", "b\tping\t10.0.0.1\tok", "b\tping\t10.1.0.1\tok",
		"a\tlink\th1:eth1\th2@b\t4099\tup", "b\tlink\th2:eth0\ts@a\t4098\tup",
		"a\tdown\t0", "b\tdown\t0",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	// Each machine is left with its underlay and loopback only.
	for _, m := range []string{ma, mb} {
		links := testutil.Cmd(t, "ip", "-n", m, "-o", "link", "show")
		if n := strings.Count(links, "\n"); n != 2 {
			t.Errorf("machine %s left links behind:\n%s", m, links)
		}
	}
}
