//go:build linux

package netns

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
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
