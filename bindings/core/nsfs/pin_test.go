//go:build linux

package nsfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
	"golang.org/x/sys/unix"
)

// TestLifecycle shows a namespace living as long as something holds it: a
// net namespace pinned and held by a handle survives its only process,
// survives the handle's close while pinned, and is gone from the listing
// once unpinned.
func TestLifecycle(t *testing.T) {
	testutil.RequireRoot(t)
	s := start(t, "unshare", "--net", "sleep", "60")
	pid := descendants(t, s.pid(), 0, "sleep")[0]
	h, err := OpenPID(pid, Net)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	path := filepath.Join(testutil.TempDir(t), "pinned")
	if err := h.Pin(path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Unpin(path) })
	if !mounted(t, path) {
		t.Fatalf("%s is not in mountinfo after Pin", path)
	}

	s.stop()
	n := findNet(t, h.Inode())
	if n == nil || n.NProcs != 0 || len(n.Paths) == 0 || n.Paths[0] != path {
		t.Fatalf("after its process exited, %s: %+v; want listed, no processes, pinned at %s", h, n, path)
	}
	closeT(t, h)
	if n := findNet(t, h.Inode()); n == nil || fmt.Sprint(n.Paths) != fmt.Sprint([]string{path}) {
		t.Fatalf("after the handle closed, %s: %+v; want still pinned at %s", h, n, path)
	}
	again, err := Open(path)
	if err != nil || again.Inode() != h.Inode() {
		t.Fatalf("reopen %s: %v, %v", path, again, err)
	}
	closeT(t, again)

	if err := Unpin(path); err != nil {
		t.Fatal(err)
	}
	if n := findNet(t, h.Inode()); n != nil {
		t.Errorf("after unpin and close, %s is still listed: %+v", h, n)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unpin left %s: %v", path, err)
	}
	if mounted(t, path) {
		t.Errorf("unpin left the mount on %s", path)
	}
}

func findNet(t *testing.T, ino uint64) *Namespace {
	return find(listT(t, ListOptions{Types: []Type{Net}}), Net, ino)
}

// mounted reports whether mountinfo has a mount on path.
func mounted(t *testing.T, path string) bool {
	t.Helper()
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(string(data), " "+path+" ")
}

// TestPinMatchesMountBind checks a pin is what mount --bind makes: the
// same namespace through either path, and findmnt sees an nsfs mount.
func TestPinMatchesMountBind(t *testing.T) {
	testutil.RequireRoot(t)
	dir := testutil.TempDir(t)
	ours, theirs := filepath.Join(dir, "ours"), filepath.Join(dir, "theirs")
	if err := PinPID(os.Getpid(), UTS, ours); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Unpin(ours) })
	if err := os.WriteFile(theirs, nil, 0o444); err != nil {
		t.Fatal(err)
	}
	testutil.Cmd(t, "mount", "--bind", "/proc/self/ns/uts", theirs)
	t.Cleanup(func() { Unpin(theirs) })
	a, b := openT(t, ours), openT(t, theirs)
	if !a.Same(b) || a.Type() != UTS {
		t.Errorf("pin %s, mount --bind %s", a, b)
	}
	if fs := strings.TrimSpace(testutil.Cmd(t, "findmnt", "-n", "-o", "FSTYPE", ours)); fs != "nsfs" {
		t.Errorf("findmnt %s: %q, want nsfs", ours, fs)
	}
	// Unpin releases a pin another tool made, too.
	if err := Unpin(theirs); err != nil {
		t.Errorf("unpin a mount --bind pin: %v", err)
	}
}

// TestPinErrors checks that bad pins and unpins fail clearly and change
// nothing.
func TestPinErrors(t *testing.T) {
	testutil.RequireRoot(t)
	dir := testutil.TempDir(t)
	regular := filepath.Join(dir, "regular")
	if err := os.WriteFile(regular, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := openT(t, "/proc/self/ns/ipc")
	pinned := filepath.Join(dir, "pinned")
	if err := h.Pin(pinned); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Unpin(pinned) })

	unpins := []struct {
		path string
		want error
	}{
		{regular, ErrNotPinned},
		{dir, ErrNotPinned},
		{"/proc/self/ns/net", ErrNotPinned}, // nsfs, but not a bind mount: proc's magic link
		{filepath.Join(dir, "missing"), unix.ENOENT},
	}
	for _, u := range unpins {
		if err := Unpin(u.path); !errors.Is(err, u.want) {
			t.Errorf("Unpin(%s) = %v, want %v", u.path, err, u.want)
		}
	}
	if data, err := os.ReadFile(regular); err != nil || string(data) != "keep" {
		t.Errorf("a refused unpin changed %s: %q, %v", regular, data, err)
	}

	pins := []struct {
		path string
		want error
	}{
		{pinned, unix.EEXIST},  // already a pin
		{dir, unix.EEXIST},     // a directory
		{regular, unix.EEXIST}, // a file with data, which Unpin would remove
		{filepath.Join(dir, "no", "such", "dir"), unix.ENOENT}, // parent missing
	}
	for _, p := range pins {
		if err := h.Pin(p.path); !errors.Is(err, p.want) {
			t.Errorf("Pin(%s) = %v, want %v", p.path, err, p.want)
		}
	}
	if data, err := os.ReadFile(regular); err != nil || string(data) != "keep" {
		t.Errorf("a refused pin changed %s: %q, %v", regular, data, err)
	}
	if got := openT(t, pinned); !got.Same(h) {
		t.Errorf("a refused pin changed %s: now %s", pinned, got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("refused pins left files behind: %v", entries)
	}
}
