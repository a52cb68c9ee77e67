//go:build linux

package netns

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/testutil"
	"github.com/nsh-lua/nsh/bindings/testutil/privmount"
	"golang.org/x/sys/unix"
)

// TestAddFailureLeavesNothing: when the namespace cannot be made after the
// file was created, Add removes the file and leaves no mount.
func TestAddFailureLeavesNothing(t *testing.T) {
	testutil.RequireRoot(t)
	saved := unshareNet
	unshareNet = func() error { return unix.ENOSPC } // as when net namespaces run out
	defer func() { unshareNet = saved }()
	name := testutil.Name(t)
	_, err := Add(name)
	if !errors.Is(err, unix.ENOSPC) || !strings.Contains(err.Error(), "unshare CLONE_NEWNET") {
		t.Fatalf("Add = %v, want the unshare failure", err)
	}
	if _, err := os.Lstat(Path(name)); !os.IsNotExist(err) {
		os.Remove(Path(name))
		t.Fatalf("%s left behind: %v", Path(name), err)
	}
	data, _ := os.ReadFile("/proc/self/mountinfo")
	if strings.Contains(string(data), name) {
		t.Fatalf("mount of %s left behind", name)
	}
}

// TestAddBindsTheFileItMade: when the name is swapped for a symlink
// between the file's creation and the bind mount, the namespace is still
// mounted on the file Add made (wherever it is now), never on what the
// symlink points to. In a private mount namespace.
func TestAddBindsTheFileItMade(t *testing.T) {
	name, decoy := testutil.Name(t), filepath.Join(testutil.TempDir(t), "decoy")
	if err := os.WriteFile(decoy, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	path, moved := Path(name), Path(name)+"-moved"
	saved := unshareNet
	defer func() { unshareNet = saved }()
	unshareNet = func() error { // runs while the caller creates the file
		for i := 0; i < 5000 && !exists(path); i++ {
			time.Sleep(time.Millisecond)
		}
		if err := os.Rename(path, moved); err != nil {
			return err
		}
		if err := os.Symlink(decoy, path); err != nil {
			return err
		}
		return saved()
	}
	privmount.InPrivateMounts(t, func() {
		h, err := Add(name)
		if err != nil {
			t.Errorf("Add: %v", err)
			return
		}
		defer h.Close()
		var fs unix.Statfs_t
		if unix.Statfs(decoy, &fs) != nil || fs.Type == unix.NSFS_MAGIC {
			t.Errorf("the namespace was mounted on the symlink's target %s", decoy)
		}
		if unix.Statfs(moved, &fs) != nil || fs.Type != unix.NSFS_MAGIC {
			t.Errorf("the file Add made (now %s) has no namespace mounted", moved)
		}
	})
	if b, err := os.ReadFile(decoy); err != nil || string(b) != "keep" {
		t.Errorf("decoy: %q, %v", b, err)
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
