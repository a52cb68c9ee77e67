//go:build linux

package netns_test

import (
	"slices"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"github.com/nsh-lua/nsh/bindings/testutil"
	"golang.org/x/sys/unix"
)

// TestCallerMountNamespace: Add binds in the calling thread's mount
// namespace, not the process's. A thread with a private mount namespace and
// a tmpfs over /run/netns adds two names and DelAll removes them there,
// while the host's /run/netns never sees them.
func TestCallerMountNamespace(t *testing.T) {
	testutil.RequireRoot(t)
	a, b := testutil.Name(t), testutil.Name(t)
	t.Cleanup(func() { cleanupName(a); cleanupName(b) })
	if err := unix.Mkdir(netns.Dir, 0o755); err != nil && err != unix.EEXIST {
		t.Fatal(err)
	}
	type result struct {
		seen, deleted []string
		err           error
	}
	var r result
	osthread.Run(func() { // the thread dies with its mount namespace
		if r.err = privateRunNetns(); r.err != nil {
			return
		}
		for _, n := range []string{a, b} {
			h, err := netns.Add(n)
			if err != nil {
				r.err = err
				return
			}
			h.Close()
		}
		r.seen, _ = netns.Names()
		r.deleted, r.err = netns.DelAll("")
	})
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := []string{a, b}
	if !slices.Equal(r.seen, want) || !slices.Equal(r.deleted, want) {
		t.Fatalf("inside: saw %v, deleted %v; want %v", r.seen, r.deleted, want)
	}
	if exists(netns.Path(a)) || exists(netns.Path(b)) {
		t.Fatalf("names leaked into the host's %s", netns.Dir)
	}
}

// privateRunNetns gives the calling thread a mount namespace of its own
// with an empty tmpfs on /run/netns.
func privateRunNetns() error {
	if err := osthread.Unshare(unix.CLONE_NEWNS); err != nil { // with a private fs
		return err
	}
	if err := unix.Mount("", "/", "", unix.MS_PRIVATE|unix.MS_REC, ""); err != nil {
		return err
	}
	return unix.Mount("tmpfs", netns.Dir, "tmpfs", 0, "")
}
