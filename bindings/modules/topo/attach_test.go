//go:build linux

package topo_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/testutil"
	"github.com/nsh-lua/nsh/bindings/testutil/luatest"
)

// run runs code in a fresh runtime whose labs live in dir and returns what
// it printed.
func run(t *testing.T, dir, code string) string {
	t.Helper()
	var out bytes.Buffer
	rt := luatest.NewRuntime(t, &out)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := rt.DoString(ctx, fmt.Sprintf("topo.labs_dir = %q\n", dir)+code, "test")
	rt.Close()
	if err != nil {
		t.Fatalf("%v\noutput:\n%s", err, out.String())
	}
	return out.String()
}

// leftWithPrefix lists /run/netns entries and links whose name has prefix.
func leftWithPrefix(prefix string) []string {
	var left []string
	for _, d := range []string{"/run/netns", "/sys/class/net"} {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), prefix) {
				left = append(left, filepath.Join(d, e.Name()))
			}
		}
	}
	return left
}

const showSpec = `{prefix = %q, hosts = {a = {gw = "10.0.0.254"}, "b"}, switches = {"s"}, routers = {"r"},
  links = {{"a", "s", ip = {"10.0.0.1/24"}, rate = "20mbit"}, {"b", "s", ip = {"10.0.0.2/24"}},
    {"r", "s", ip = {"10.0.0.254/24"}}}}`

// TestShowPrintsAlignedTables checks lab:show()'s text: nodes, links with
// both ends, addresses and shaping, and routes, in aligned columns.
func TestShowPrintsAlignedTables(t *testing.T) {
	testutil.RequireRoot(t)
	dir, prefix := testutil.TempDir(t), testutil.Name(t)+"-"
	out := run(t, dir, "topo.with("+fmt.Sprintf(showSpec, prefix)+", function(lab) lab:show() end)")
	for _, want := range []string{
		"NODE  KIND    NETNS",
		"a     host    " + prefix + "a",
		"r     router  " + prefix + "r",
		"a:eth0  10.0.0.1/24    s:p1",
		"rate 20Mbit burst 25000",
		"a     default      10.0.0.254  eth0",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	lines := strings.Split(out, "\n")
	head := strings.Index(lines[6], "END B")
	if head < 0 || strings.Index(lines[7], "s:p1") != head || strings.Index(lines[8], "s:p2") != head {
		t.Errorf("link columns not aligned:\n%s", out)
	}
}

// TestAttachToKeptLab builds a lab with keep = true in one runtime, closes
// it, and attaches from another: the listing shows it, state reads it, and
// down removes it all.
func TestAttachToKeptLab(t *testing.T) {
	testutil.RequireRoot(t)
	dir, prefix := testutil.TempDir(t), testutil.Name(t)+"-"
	t.Cleanup(func() {
		if left := leftWithPrefix(prefix); len(left) > 0 {
			exec.Command("sh", "-c", "for n in $(ip netns list | grep "+prefix+" | cut -d' ' -f1); do ip netns del $n; done").Run()
		}
	})
	spec := fmt.Sprintf(showSpec, prefix)
	run(t, dir, "local s = "+spec+"\ns.keep = true\ntopo.up(s)")
	if left := leftWithPrefix(prefix); len(left) != 4 { // the 4 namespaces, kept
		t.Fatalf("after the keeping runtime closed: %v", left)
	}
	out := run(t, dir, `
for _, l in ipairs(topo.list()) do print("LIST", l.prefix, l.state, l.running, l.netns, l.live) end
local lab = topo.attach(`+fmt.Sprintf("%q", prefix)+`)
local st = lab:state()
print("NODES", #st.nodes, "LINKS", #st.links, st.links[1].shape.rate, st.links[1].a_addrs[1])
print("PING", lab:exec("a", "ping", "-c1", "-W2", "10.0.0.2", {stdout = "capture", stderr = "capture"}).code)
lab:down()
print("AFTER", #topo.list())`)
	for _, want := range []string{
		"LIST\t" + prefix + "\tlive\tfalse\t4\t4",
		"NODES\t4\tLINKS\t3\t20Mbit\t10.0.0.1/24",
		"PING\t0",
		"AFTER\t0",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if left := leftWithPrefix(prefix); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("lab files left in %s: %v", dir, entries)
	}
}

// buildNsh builds the nsh binary into a temporary directory.
func buildNsh(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "nsh")
	out, err := exec.Command("go", "build", "-o", bin, "../../..").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestAttachAfterKill9 kills an nsh binary with SIGKILL while it builds a
// lab, then attaches to what it left and tears it down: nothing remains.
func TestAttachAfterKill9(t *testing.T) {
	testutil.RequireRoot(t)
	bin := buildNsh(t)
	dir, prefix := testutil.TempDir(t), testutil.Name(t)+"-"
	script := fmt.Sprintf(`topo.labs_dir = %q
local hosts, links = {}, {}
for i = 1, 60 do
  hosts[i] = "h" .. i
  links[i] = {"s", "h" .. i, ip = {false, "10.0." .. i .. ".1/24"}, rate = "10mbit"}
end
topo.up{prefix = %q, hosts = hosts, switches = {s = {host = true}}, links = links}
`, dir, prefix)
	cmd := exec.Command(bin, "-e", script)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once some of the lab exists: a few namespaces and a host link.
	deadline := time.Now().Add(30 * time.Second)
	for len(leftWithPrefix(prefix)) < 8 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	made := leftWithPrefix(prefix)
	t.Logf("killed with %d objects made", len(made))
	if len(made) == 0 {
		t.Fatal("the build made nothing before the kill")
	}
	out := run(t, dir, fmt.Sprintf(`
for _, l in ipairs(topo.list()) do print("LIST", l.prefix, l.running) end
topo.attach(%q):down()`, prefix))
	if !strings.Contains(out, "LIST\t"+prefix+"\tfalse") {
		t.Errorf("topo.list did not show the lab left behind:\n%s", out)
	}
	if left := leftWithPrefix(prefix); len(left) > 0 {
		t.Errorf("left behind after attach():down(): %v", left)
	}
}
