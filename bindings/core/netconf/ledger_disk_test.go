//go:build linux

package netconf_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/testutil"
	"golang.org/x/sys/unix"
)

// childEnv carries "DIR PREFIX STOP" to a re-executed test binary that
// builds a lab with a ledger on disk and stops (blocks) at step STOP, or
// runs to the end when STOP is "-".
const childEnv = "NSH_TEST_LEDGER_CHILD"

// buildLab builds a small lab step by step: namespaces one at a time and
// in a batch, a host bridge, and veths from it into the namespaces.
func buildLab(l *netconf.Ledger, p string, extra int) error {
	a, err := l.AddNetns(p + "a")
	if err != nil {
		return err
	}
	if _, err := l.AddNetnsMany([]string{p + "b", p + "c", p + "d"}, 2); err != nil {
		return err
	}
	if _, err := l.AddHostLink(netconf.LinkSpec{Name: p + "br", Type: "bridge", Up: true}); err != nil {
		return err
	}
	if _, err := l.AddHostLink(netconf.LinkSpec{Name: p + "v0", Type: "veth", Peer: "eth0", PeerNS: a.Fd(), Master: p + "br", Up: true}); err != nil {
		return err
	}
	for i := 1; i <= extra; i++ {
		h, err := l.AddNetns(fmt.Sprintf("%sx%d", p, i))
		if err != nil {
			return err
		}
		if _, err := l.AddHostLink(netconf.LinkSpec{Name: fmt.Sprintf("%sw%d", p, i), Type: "veth", Peer: "eth0", PeerNS: h.Fd(), Master: p + "br"}); err != nil {
			return err
		}
	}
	return nil
}

// ledgerChild is the child's whole life: build, say where it stopped,
// wait to be killed.
func ledgerChild() {
	f := strings.Fields(os.Getenv(childEnv))
	dir, prefix, stop := f[0], f[1], strings.ReplaceAll(f[2], "_", " ")
	netconf.SetStepHook(func(step string) {
		if step == stop {
			fmt.Println("stopped at", step)
			select {}
		}
	})
	l, err := netconf.CreateLedger(dir, prefix)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	if err := buildLab(l, prefix, 15); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("built")
	select {}
}

// runChild starts the builder and kills it (SIGKILL) once it printed a
// line starting with until, plus wait.
func runChild(t *testing.T, dir, prefix, stop, until string, wait time.Duration) string {
	t.Helper()
	cmd := exec.Command("/proc/self/exe", "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %s %s", childEnv, dir, prefix, strings.ReplaceAll(stop, " ", "_")))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	must(t, cmd.Start())
	sc := bufio.NewScanner(out)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if strings.HasPrefix(sc.Text(), until) || strings.HasPrefix(sc.Text(), "error") {
			break
		}
	}
	time.Sleep(wait)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if len(lines) == 0 || strings.HasPrefix(lines[len(lines)-1], "error") {
		t.Fatalf("builder: %q", lines)
	}
	return strings.Join(lines, "; ")
}

// TestLedgerSurvivesKill kills a lab builder at each kind of step — after
// writing a namespace or link down but before making it, after making a
// link but before writing its index, and at a random moment — and checks
// that the ledger it left removes everything it made.
func TestLedgerSurvivesKill(t *testing.T) {
	testutil.RequireRoot(t)
	cases := []struct{ name, stop, until string }{
		{"before-netns-batch", "netns add %[1]sb %[1]sc %[1]sd", "stopped"},
		{"before-bridge", "link add %[1]sbr", "stopped"},
		{"bridge-made", "link made %[1]sbr", "stopped"},
		{"veth-made", "link made %[1]sw3", "stopped"},
		{"random1", "-", "ready"},
		{"random2", "-", "ready"},
		{"random3", "-", "ready"},
		{"random4", "-", "ready"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, prefix := testutil.TempDir(t), testutil.Name(t)
			t.Cleanup(func() { cleanupPrefix(prefix) })
			wait := time.Duration(0)
			if c.stop == "-" {
				wait = time.Duration(10+rand.IntN(150)) * time.Millisecond
			}
			said := runChild(t, dir, prefix, fmt.Sprintf(c.stop, prefix), c.until, wait)
			made := leftovers(prefix)
			labs, err := netconf.ListLedgers(dir)
			must(t, err)
			if len(labs) != 1 || labs[0].Prefix != prefix || labs[0].Running || labs[0].Err != nil {
				t.Fatalf("ListLedgers = %+v", labs)
			}
			t.Logf("builder said %q, killed; left %d objects; ledger: %d netns (%d live, %s), %d links",
				said, len(made), labs[0].Netns, labs[0].Live, labs[0].State(), labs[0].Links)
			l, err := netconf.LoadLedger(dir, prefix)
			must(t, err)
			must(t, l.Teardown())
			if got := leftovers(prefix); len(got) > 0 {
				t.Errorf("left behind after teardown: %q", got)
			}
			if labs, _ := netconf.ListLedgers(dir); len(labs) != 0 {
				t.Errorf("ledger file still there: %+v", labs)
			}
		})
	}
}

// cleanupPrefix removes what a failed test left (only names with prefix).
func cleanupPrefix(prefix string) {
	netns.DelAll(prefix)
	for _, e := range leftovers(prefix) {
		if strings.HasPrefix(e, "/sys/class/net/") {
			exec.Command("ip", "link", "del", filepath.Base(e)).Run()
		}
	}
}

// TestLedgerFile builds a lab with its ledger on disk and checks the file,
// the listing, the refusal of a second lab with the same prefix, and a
// teardown from the file alone.
func TestLedgerFile(t *testing.T) {
	testutil.RequireRoot(t)
	dir, prefix := testutil.TempDir(t), testutil.Name(t)
	t.Cleanup(func() { cleanupPrefix(prefix) })
	l, err := netconf.CreateLedger(dir, prefix)
	must(t, err)
	must(t, buildLab(l, prefix, 2))
	var rec struct {
		Prefix string
		Netns  []struct {
			Name string
			Ino  uint64
		}
		Links []struct {
			Name  string
			Index int
			Kind  string
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, prefix+".json"))
	must(t, err)
	must(t, json.Unmarshal(data, &rec))
	if rec.Prefix != prefix || len(rec.Netns) != 6 || len(rec.Links) != 4 {
		t.Fatalf("ledger file: %s", data)
	}
	for _, n := range rec.Netns {
		var st unix.Stat_t
		must(t, unix.Stat(netns.Path(n.Name), &st))
		if st.Ino != n.Ino {
			t.Errorf("%s: recorded inode %d, /run/netns has %d", n.Name, n.Ino, st.Ino)
		}
	}
	for _, k := range rec.Links {
		var m []map[string]any
		must(t, json.Unmarshal([]byte(testutil.Cmd(t, "ip", "-j", "-d", "link", "show", "dev", k.Name)), &m))
		info, _ := m[0]["linkinfo"].(map[string]any)
		if int(m[0]["ifindex"].(float64)) != k.Index || info["info_kind"] != k.Kind {
			t.Errorf("link %+v, ip says %v", k, m[0])
		}
	}
	labs, err := netconf.ListLedgers(dir)
	must(t, err)
	if len(labs) != 1 || !labs[0].Running || labs[0].State() != "live" || labs[0].Live != 6 || labs[0].Links != 4 {
		t.Errorf("ListLedgers = %+v", labs)
	}
	if _, err := netconf.CreateLedger(dir, prefix); !errors.Is(err, netconf.ErrBusy) {
		t.Errorf("second CreateLedger while the builder holds the lab = %v, want ErrBusy", err)
	}
	if _, err := netconf.LoadLedger(dir, prefix); !errors.Is(err, netconf.ErrBusy) || !errors.Is(err, unix.EBUSY) {
		t.Errorf("LoadLedger while the builder holds the lab = %v, want ErrBusy", err)
	}
	l.Release() // as a kept lab: the file stays
	if _, err := netconf.CreateLedger(dir, prefix); !errors.Is(err, unix.EEXIST) {
		t.Errorf("CreateLedger over a kept lab = %v, want EEXIST", err)
	}
	if labs, _ := netconf.ListLedgers(dir); len(labs) != 1 || labs[0].Running {
		t.Errorf("ListLedgers after Release = %+v", labs)
	}
	again, err := netconf.LoadLedger(dir, prefix)
	must(t, err)
	if strings.Join(again.Names(), " ") != strings.Join(l.Names(), " ") {
		t.Errorf("loaded names %q, built %q", again.Names(), l.Names())
	}
	h, err := again.Handle(prefix + "a")
	must(t, err)
	c, err := again.Conn(h)
	must(t, err)
	if _, err := c.LinkGet("eth0"); err != nil {
		t.Errorf("the loaded ledger's handle does not reach the lab: %v", err)
	}
	must(t, again.Teardown())
	if got := leftovers(prefix); len(got) > 0 {
		t.Errorf("left behind: %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, prefix+".json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ledger file after teardown: %v", err)
	}
	for _, bad := range []string{"", "a/b", ".x"} {
		if _, err := netconf.CreateLedger(dir, bad); !errors.Is(err, netconf.ErrInvalid) {
			t.Errorf("CreateLedger(%q) = %v", bad, err)
		}
	}
}

// TestLedgerLeavesReplaced checks that a loaded ledger leaves alone what
// now carries a recorded name but is not what it recorded: a namespace made
// anew under the name, and a symlink.
func TestLedgerLeavesReplaced(t *testing.T) {
	testutil.RequireRoot(t)
	dir, prefix := testutil.TempDir(t), testutil.Name(t)
	t.Cleanup(func() { cleanupPrefix(prefix) })
	l, err := netconf.CreateLedger(dir, prefix)
	must(t, err)
	_, err = l.AddNetnsMany([]string{prefix + "a", prefix + "b"}, 2)
	must(t, err)
	l.Release()
	must(t, netns.Del(prefix+"a"))
	h, err := netns.Add(prefix + "a") // someone else's now
	must(t, err)
	h.Close()
	other, err := netns.Add(prefix + "o")
	must(t, err)
	other.Close()
	must(t, netns.Del(prefix+"b"))
	must(t, os.Symlink(netns.Path(prefix+"o"), netns.Path(prefix+"b")))
	t.Cleanup(func() { os.Remove(netns.Path(prefix + "b")) })
	labs, _ := netconf.ListLedgers(dir)
	if len(labs) != 1 || labs[0].Live != 0 || labs[0].State() != "gone" {
		t.Errorf("ListLedgers = %+v", labs)
	}
	loaded, err := netconf.LoadLedger(dir, prefix)
	must(t, err)
	must(t, loaded.Teardown())
	for _, name := range []string{"a", "o"} {
		if _, err := os.Stat(netns.Path(prefix + name)); err != nil {
			t.Errorf("teardown removed %s%s, which the lab did not make: %v", prefix, name, err)
		}
	}
	if _, err := os.Lstat(netns.Path(prefix + "b")); err != nil {
		t.Errorf("teardown removed the symlink %sb: %v", prefix, err)
	}
}

// BenchmarkLedgerAddNetns compares making namespaces with a ledger kept in
// memory and one kept on disk, one at a time (two atomic writes each) and
// in batches of 50 (two writes a batch), per namespace.
func BenchmarkLedgerAddNetns(b *testing.B) {
	testutil.RequireRoot(b)
	for _, disk := range []bool{false, true} {
		for _, batch := range []int{1, 50} {
			name := fmt.Sprintf("%s/batch=%d", map[bool]string{false: "memory", true: "disk"}[disk], batch)
			b.Run(name, func(b *testing.B) { benchLedger(b, disk, batch) })
		}
	}
}

func benchLedger(b *testing.B, disk bool, batch int) {
	prefix := testutil.Name(b)
	l := netconf.NewLedger()
	if disk {
		dir := "/run/" + prefix + "-labs" // where /run/nsh/labs is
		b.Cleanup(func() { os.RemoveAll(dir) })
		var err error
		if l, err = netconf.CreateLedger(dir, prefix); err != nil {
			b.Fatal(err)
		}
	}
	b.Cleanup(func() { l.Teardown() })
	n := 0
	for b.Loop() {
		names := make([]string, batch)
		for i := range names {
			names[i] = fmt.Sprintf("%s-%d", prefix, n)
			n++
		}
		if _, err := l.AddNetnsMany(names, 2); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n)/1e6, "ms/netns")
}

// TestLedgerOtherHost checks that a ledger loaded in another network
// namespace than the one its host links were made in refuses to delete
// them, keeps them in the file, and that a later teardown from the right
// namespace finishes the job.
func TestLedgerOtherHost(t *testing.T) {
	testutil.RequireRoot(t)
	dir, prefix := testutil.TempDir(t), testutil.Name(t)
	t.Cleanup(func() { cleanupPrefix(prefix) })
	l, err := netconf.CreateLedger(dir, prefix)
	must(t, err)
	must(t, buildLab(l, prefix, 0))
	l.Release()
	elsewhere := newLab(t)
	var terr error
	inNS(t, elsewhere.fd, func() {
		loaded, err := netconf.LoadLedger(dir, prefix)
		if err != nil {
			terr = err
			return
		}
		terr = loaded.Teardown()
	})
	if !errors.Is(terr, unix.EXDEV) {
		t.Fatalf("teardown from another namespace = %v, want EXDEV", terr)
	}
	labs, _ := netconf.ListLedgers(dir)
	// The bridge stays; the veth's host end goes with its namespace, in
	// the kernel's own time.
	if got := leftovers(prefix); len(labs) != 1 || labs[0].Netns != 0 || labs[0].Links != 2 || !slices.Contains(got, "/sys/class/net/"+prefix+"br") {
		t.Fatalf("after the refused teardown: ledger %+v, left %q", labs, got)
	}
	loaded, err := netconf.LoadLedger(dir, prefix)
	must(t, err)
	must(t, loaded.Teardown())
	if got := leftovers(prefix); len(got) > 0 {
		t.Errorf("left behind: %q", got)
	}
}

// TestLedgerStub checks what a teardown does with /run/netns files that are
// not namespaces: the empty file netns.Add makes before mounting is removed
// for a namespace recorded as being made (a kill at that moment leaves
// it), and left alone otherwise.
func TestLedgerStub(t *testing.T) {
	testutil.RequireRoot(t)
	dir, p := testutil.TempDir(t), testutil.Name(t)
	t.Cleanup(func() {
		for _, n := range []string{"z", "y", "x"} {
			os.Remove(netns.Path(p + n))
		}
	})
	rec := fmt.Sprintf(`{"prefix": %q, "pid": 1, "host": {}, "links": [], "netns": [
		{"name": "%[1]sz"}, {"name": "%[1]sy", "dev": 1, "ino": 2}, {"name": "%[1]sx"}]}`, p)
	must(t, os.WriteFile(filepath.Join(dir, p+".json"), []byte(rec), 0o644))
	must(t, os.WriteFile(netns.Path(p+"z"), nil, 0o444))
	must(t, os.WriteFile(netns.Path(p+"y"), nil, 0o444))
	must(t, os.WriteFile(netns.Path(p+"x"), []byte("someone's"), 0o444))
	l, err := netconf.LoadLedger(dir, p)
	must(t, err)
	must(t, l.Teardown())
	if _, err := os.Stat(netns.Path(p + "z")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the stub of a namespace being made is still there: %v", err)
	}
	for _, n := range []string{"y", "x"} {
		if _, err := os.Stat(netns.Path(p + n)); err != nil {
			t.Errorf("teardown removed %s%s: %v", p, n, err)
		}
	}
	must(t, os.WriteFile(filepath.Join(dir, p+".json"), []byte(`{"prefix": "x", "bogus": 1}`), 0o644))
	if _, err := netconf.LoadLedger(dir, p); !errors.Is(err, netconf.ErrInvalid) {
		t.Errorf("LoadLedger of a bad file = %v", err)
	}
	if labs, _ := netconf.ListLedgers(dir); len(labs) != 1 || labs[0].Err == nil {
		t.Errorf("ListLedgers of a bad file = %+v", labs)
	}
}
