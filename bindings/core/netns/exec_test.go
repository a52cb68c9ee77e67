//go:build linux

package netns_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

// etcFile writes /etc/netns/NAME/FILE for the test and removes what it
// made (the NAME directory, and /etc/netns itself if it did not exist).
func etcFile(t *testing.T, name, file, content string) {
	t.Helper()
	if _, err := os.Stat(netns.EtcDir); os.IsNotExist(err) {
		if err := os.Mkdir(netns.EtcDir, 0o755); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Remove(netns.EtcDir) }) // only if empty: others may use it
	}
	dir := filepath.Join(netns.EtcDir, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func execIn(t *testing.T, name string, argv ...string) string {
	t.Helper()
	spec, h, err := netns.ExecSpec(name, spawn.Spec{Argv: argv})
	if err != nil {
		t.Fatal(err)
	}
	res, err := spawn.Run(context.Background(), spec)
	h.Close()
	if err != nil {
		t.Fatalf("%v: %v", argv, err)
	}
	if res.Code != 0 {
		t.Fatalf("%v: exit %d: %s", argv, res.Code, res.Stderr)
	}
	return string(res.Stdout)
}

// TestExecLikeIP: a command run through ExecSpec sees what it sees under
// `ip netns exec`: /etc/netns/NAME/hosts as /etc/hosts, and a /sys whose
// class/net lists the namespace's own links; the host's /etc/hosts and
// mounts are untouched.
func TestExecLikeIP(t *testing.T) {
	name, _ := addNS(t)
	hostsBefore, _ := os.ReadFile("/etc/hosts")
	sysBefore, etcBefore := mountsAt(t, "/sys"), mountsAt(t, "/etc/hosts")
	content := "10.9.8.7 only-in-" + name + "\n"
	etcFile(t, name, "hosts", content)
	testutil.Cmd(t, "ip", "-n", name, "link", "add", "v0", "type", "veth", "peer", "name", "v1")

	if got := execIn(t, name, "cat", "/etc/hosts"); got != content {
		t.Fatalf("/etc/hosts inside = %q, want %q", got, content)
	}
	if ip := testutil.Cmd(t, "ip", "netns", "exec", name, "cat", "/etc/hosts"); ip != content {
		t.Fatalf("ip netns exec sees %q", ip)
	}
	got := strings.Fields(execIn(t, name, "ls", "/sys/class/net"))
	if strings.Join(got, " ") != "lo v0 v1" {
		t.Fatalf("/sys/class/net inside = %v, want lo v0 v1", got)
	}
	ip := strings.Fields(testutil.Cmd(t, "ip", "netns", "exec", name, "ls", "/sys/class/net"))
	if strings.Join(ip, " ") != strings.Join(got, " ") {
		t.Fatalf("ip netns exec lists %v, nsh %v", ip, got)
	}
	if links := execIn(t, name, "ip", "-o", "link"); !strings.Contains(links, "v0@v1") {
		t.Fatalf("ip link inside:\n%s", links)
	}
	if after, _ := os.ReadFile("/etc/hosts"); string(after) != string(hostsBefore) {
		t.Fatal("the host's /etc/hosts changed")
	}
	if s, e := mountsAt(t, "/sys"), mountsAt(t, "/etc/hosts"); s != sysBefore || e != etcBefore {
		t.Fatalf("host mounts on /sys %d -> %d, on /etc/hosts %d -> %d: a mount propagated back", sysBefore, s, etcBefore, e)
	}
}

// TestExecMissing: ExecSpec of a name that does not exist fails before
// anything starts.
func TestExecMissing(t *testing.T) {
	testutil.RequireRoot(t)
	_, _, err := netns.ExecSpec(testutil.Name(t), spawn.Spec{Argv: []string{"true"}})
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("ExecSpec(missing) = %v", err)
	}
}

// mountsAt counts the host's mounts whose mount point is exactly path.
func mountsAt(t *testing.T, path string) int {
	t.Helper()
	n := 0
	for _, m := range mountsOf(t, path) {
		if m == path {
			n++
		}
	}
	return n
}

// TestExecSpecConflicts: a spec that already joins or creates a network or
// mount namespace, or wants another propagation, is refused before the
// namespace is even opened; a fitting one is completed as ip netns exec
// would run it.
func TestExecSpecConflicts(t *testing.T) {
	name, h := addNS(t)
	bad := map[string]spawn.Spec{
		"join net":    {Argv: []string{"true"}, Join: []*nsfs.Handle{h}},
		"new net":     {Argv: []string{"true"}, New: []nsfs.Type{nsfs.Net}},
		"propagation": {Argv: []string{"true"}, Propagation: "shared"},
	}
	for what, spec := range bad {
		if _, _, err := netns.ExecSpec(name, spec); !errors.Is(err, spawn.ErrBadSpec) {
			t.Errorf("%s: ExecSpec = %v, want ErrBadSpec", what, err)
		}
	}
	spec, eh, err := netns.ExecSpec(name, spawn.Spec{Argv: []string{"true"}, New: []nsfs.Type{nsfs.UTS, nsfs.Mnt}})
	if err != nil {
		t.Fatal(err)
	}
	defer eh.Close()
	if !eh.Same(h) || len(spec.Join) != 1 || spec.Join[0] != eh {
		t.Errorf("Join = %v, want the handle of %s", spec.Join, name)
	}
	if !slices.Equal(spec.New, []nsfs.Type{nsfs.UTS, nsfs.Mnt}) || spec.Propagation != "slave" {
		t.Errorf("New = %v, Propagation = %q", spec.New, spec.Propagation)
	}
	if len(spec.Steps) != 1 || spec.Steps[0].Name != netns.ExecStep || spec.Steps[0].Arg != name {
		t.Errorf("Steps = %v", spec.Steps)
	}
}
