//go:build linux

package netns_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

// addNS makes a named namespace through netns.Add and removes it (and its
// handle) when the test ends.
func addNS(t *testing.T) (string, *nsfs.Handle) {
	t.Helper()
	testutil.RequireRoot(t)
	name := testutil.Name(t)
	h, err := netns.Add(name)
	if err != nil {
		t.Fatalf("Add(%s): %v", name, err)
	}
	t.Cleanup(func() {
		h.Close()
		cleanupName(name)
	})
	return name, h
}

// cleanupName removes a named namespace however it was made, ignoring
// errors: the leak check catches anything left.
func cleanupName(name string) {
	exec.Command("umount", "-l", netns.Path(name)).Run()
	os.Remove(netns.Path(name))
}

// ipNetnsList returns `ip netns list` as name -> rest of line.
func ipNetnsList(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, line := range strings.Split(testutil.Cmd(t, "ip", "netns", "list"), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			out[f[0]] = strings.TrimSpace(strings.TrimPrefix(line, f[0]))
		}
	}
	return out
}

// mountsOf lists mountinfo mount points that contain s.
func mountsOf(t *testing.T, s string) []string {
	t.Helper()
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 4 && strings.Contains(f[4], s) {
			out = append(out, f[4])
		}
	}
	return out
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
