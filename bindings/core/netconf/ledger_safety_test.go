//go:build linux

package netconf_test

import (
	"os"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/testutil"
	"github.com/nsh-lua/nsh/bindings/testutil/privmount"
	"golang.org/x/sys/unix"
)

// TestTeardownTouchesOnlyItsOwn: a lab's names that by teardown time hold
// another namespace (deleted and made again by someone else) or a symlink
// are left as they are, and reported; the lab's other namespace goes. It
// runs in a private mount namespace, so the symlink's target mount never
// reaches the host.
func TestTeardownTouchesOnlyItsOwn(t *testing.T) {
	prefix, target := testutil.Name(t), testutil.TempDir(t)
	reused, linked, kept := prefix+"r", prefix+"l", prefix+"k"
	privmount.InPrivateMounts(t, func() {
		l := netconf.NewLedger()
		defer l.Teardown()
		if _, err := l.AddNetnsMany([]string{reused, linked, kept}, 3); err != nil {
			t.Error(err)
			return
		}
		// Someone else's namespace under the lab's name, and a symlink to a
		// mount under another: neither is the lab's.
		if err := netns.Del(reused); err != nil {
			t.Error(err)
			return
		}
		theirs, err := netns.Add(reused)
		if err != nil {
			t.Error(err)
			return
		}
		defer theirs.Close()
		ok := netns.Del(linked) == nil && unix.Mount("v", target, "tmpfs", 0, "") == nil &&
			os.Symlink(target, netns.Path(linked)) == nil
		if !ok {
			t.Error("setting up the symlink failed")
			return
		}
		defer unix.Unmount(target, unix.MNT_DETACH)
		// The names are left alone: the ledger's own are gone, so teardown
		// has nothing of its own to delete there (it may say so, or not).
		if err = l.Teardown(); err != nil && !strings.Contains(err.Error(), "holds another network namespace") {
			t.Errorf("Teardown = %v", err)
		}
		now, gerr := netns.Get(reused)
		if gerr != nil || !now.Same(theirs) {
			t.Errorf("Teardown deleted someone else's %s: %v", reused, gerr)
		} else {
			now.Close()
		}
		var fs unix.Statfs_t
		if unix.Statfs(target, &fs) != nil || fs.Type != unix.TMPFS_MAGIC {
			t.Errorf("Teardown unmounted %s through the symlink %s", target, linked)
		}
		if _, err := os.Readlink(netns.Path(linked)); err != nil {
			t.Errorf("Teardown removed the symlink: %v", err)
		}
		if _, err := os.Lstat(netns.Path(kept)); !os.IsNotExist(err) {
			t.Errorf("Teardown left its own %s: %v", kept, err)
		}
		netns.Del(reused)
	})
}
