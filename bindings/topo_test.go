//go:build linux

package bindings

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

// labLeft lists what ip(8) shows carrying prefix: named namespaces and
// links of the test's own network namespace.
func labLeft(t *testing.T, prefix string) []string {
	t.Helper()
	var out []string
	for _, args := range [][]string{{"netns", "list"}, {"-o", "link", "show"}} {
		for _, line := range strings.Split(testutil.Cmd(t, "ip", args...), "\n") {
			if strings.Contains(line, prefix) {
				out = append(out, line)
			}
		}
	}
	return out
}

// cleanupLab removes a lab's namespaces by name should a test fail early.
func cleanupLab(t *testing.T, prefix string) {
	t.Cleanup(func() {
		names, _ := netns.Names()
		for _, n := range names {
			if strings.HasPrefix(n, prefix) {
				netns.Del(n)
			}
		}
	})
}

const interruptedLab = `
topo.with({
  prefix = PREFIX, hosts = {"a", "b"}, switches = {s = {host = true}},
  links = {{"a", "s", ip = {"10.6.0.1/24"}}, {"b", "s", ip = {"10.6.0.2/24"}}},
}, function(lab)
  io.write("built\n")
  while true do end
end)`

// TestTopoWithInterrupted cancels a script spinning inside topo.with: no
// Lua can run after the cancel, and the lab must still be gone.
func TestTopoWithInterrupted(t *testing.T) {
	testutil.RequireRoot(t)
	prefix := testutil.Name(t) + "-"
	cleanupLab(t, prefix)
	built := make(chan struct{})
	rt := newTestRuntime(t, nil)
	rt.opts.Stdout = writerFunc(func(p []byte) (int, error) {
		if strings.Contains(string(p), "built") {
			close(built)
		}
		return len(p), nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- rt.DoString(ctx, `PREFIX = "`+prefix+`"`+interruptedLab, "interrupted")
	}()
	select {
	case <-built:
	case err := <-done:
		t.Fatalf("script ended before the lab was built: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("lab not built in 30s")
	}
	if left := labLeft(t, prefix); len(left) < 3 {
		t.Fatalf("lab not visible to ip while running: %q", left)
	}
	cancel()
	if err := <-done; err == nil {
		t.Fatal("cancelled script returned no error")
	}
	if left := labLeft(t, prefix); len(left) > 0 {
		t.Fatalf("left behind after the interrupt:\n%s", strings.Join(left, "\n"))
	}
}

const midBuildLab = `
local hosts, links = {}, {}
for i = 1, 40 do
  hosts[i] = "h" .. i
  links[i] = {"s", "h" .. i, ip = {false, "10.8.0." .. i .. "/24"}}
end
topo.up{prefix = PREFIX, hosts = hosts, switches = {s = {host = true}}, links = links}
io.write("built\n")`

// TestTopoUpInterruptedMidBuild cancels a script while topo.up is still
// building (its first namespaces exist, the rest do not): the error ends the
// script and what was made is gone.
func TestTopoUpInterruptedMidBuild(t *testing.T) {
	testutil.RequireRoot(t)
	prefix := testutil.Name(t) + "-"
	cleanupLab(t, prefix)
	var out strings.Builder
	rt := newTestRuntime(t, nil)
	rt.opts.Stdout = &out
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- rt.DoString(ctx, `PREFIX = "`+prefix+`"`+midBuildLab, "midbuild") }()
	deadline := time.Now().Add(30 * time.Second)
	for started := false; !started; {
		if time.Now().After(deadline) {
			t.Fatal("no namespace of the lab appeared in 30s")
		}
		names, _ := netns.Names()
		for _, n := range names {
			started = started || strings.HasPrefix(n, prefix)
		}
	}
	cancel()
	err := <-done
	if err == nil || strings.Contains(out.String(), "built") {
		t.Fatalf("the build finished before the cancel (err %v): make the lab bigger", err)
	}
	if left := labLeft(t, prefix); len(left) > 0 {
		t.Fatalf("left behind after a cancel mid-build (%v):\n%s", err, strings.Join(left, "\n"))
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestTopoDownAtClose checks that a lab left up is torn down when the
// runtime closes, unless it is kept.
func TestTopoDownAtClose(t *testing.T) {
	testutil.RequireRoot(t)
	prefix, kept := testutil.Name(t)+"-", testutil.Name(t)+"-"
	cleanupLab(t, prefix)
	cleanupLab(t, kept)
	rt, err := New(Options{Stdout: os.Stderr})
	if err != nil {
		t.Fatal(err)
	}
	code := `topo.labs_dir = "` + testutil.TempDir(t) + `"
lab = topo.up{prefix = "` + prefix + `", hosts = {"a"}, links = {{"host", "a", ip = {"10.214.0.1/30", "10.214.0.2/30"}}}}
keep = topo.up{prefix = "` + kept + `", keep = true, hosts = {"a"}}`
	if err := rt.DoString(context.Background(), code, "close"); err != nil {
		rt.Close()
		t.Fatal(err)
	}
	if left := labLeft(t, prefix); len(left) != 2 {
		t.Errorf("lab while up: %q", left)
	}
	rt.Close()
	if left := labLeft(t, prefix); len(left) > 0 {
		t.Errorf("left behind after Close:\n%s", strings.Join(left, "\n"))
	}
	if left := labLeft(t, kept); len(left) != 1 {
		t.Errorf("kept lab: %q", left)
	}
	if err := exec.Command("ip", "netns", "del", kept+"a").Run(); err != nil {
		t.Error(err)
	}
}
