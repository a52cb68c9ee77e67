//go:build linux

package nsfs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
	"github.com/nsh-lua/nsh/bindings/testutil/privmount"
	"golang.org/x/sys/unix"
)

// mountedHere reports whether path is a mount point in the calling thread's
// mount namespace.
func mountedHere(t *testing.T, path string) bool {
	t.Helper()
	data, err := os.ReadFile("/proc/thread-self/mountinfo")
	if err != nil {
		t.Error(err)
	}
	return strings.Contains(string(data), " "+path+" ")
}

func ok(t *testing.T, err error) bool {
	t.Helper()
	if err != nil {
		t.Error(err)
	}
	return err == nil
}

// TestUnpinIsAllOrNothing: where the name cannot be removed after the
// unmount (a read-only directory, a second mount under the pin) Unpin used
// to unmount and then fail, leaving a dead name; it refuses first now, and
// the pin stays. Both run in a private mount namespace.
func TestUnpinIsAllOrNothing(t *testing.T) {
	dir := testutil.TempDir(t)
	privmount.InPrivateMounts(t, func() {
		if !ok(t, unix.Mount("t", dir, "tmpfs", 0, "")) {
			return
		}
		ro, stacked, data := filepath.Join(dir, "ro"), filepath.Join(dir, "stacked"), filepath.Join(dir, "data")
		good := ok(t, PinPID(0, UTS, ro)) && ok(t, os.WriteFile(data, []byte("keep"), 0o644)) &&
			ok(t, os.WriteFile(stacked, nil, 0o644)) &&
			ok(t, unix.Mount(data, stacked, "", unix.MS_BIND, "")) &&
			ok(t, unix.Mount("/proc/self/ns/uts", stacked, "", unix.MS_BIND, ""))
		if !good {
			return
		}
		err := Unpin(stacked)
		if !errors.Is(err, ErrNotPinned) || !errors.Is(err, unix.EBUSY) {
			t.Errorf("Unpin(stacked) = %v, want ErrNotPinned and EBUSY", err)
		}
		if fs := fsMagic(t, stacked); fs != unix.NSFS_MAGIC {
			t.Errorf("a refused Unpin unmounted the pin on %s (now fs %#x)", stacked, fs)
		}
		if !ok(t, unix.Mount("", dir, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY, "")) {
			return
		}
		if err := Unpin(ro); !errors.Is(err, unix.EROFS) {
			t.Errorf("Unpin in a read-only directory = %v, want EROFS", err)
		}
		if !mountedHere(t, ro) || fsMagic(t, ro) != unix.NSFS_MAGIC {
			t.Errorf("a refused Unpin unmounted %s", ro)
		}
		if !ok(t, unix.Mount("", dir, "", unix.MS_REMOUNT|unix.MS_BIND, "")) {
			return
		}
		ok(t, Unpin(ro))
		if _, err := os.Lstat(ro); !errors.Is(err, os.ErrNotExist) || mountedHere(t, ro) {
			t.Errorf("Unpin left %s: %v", ro, err)
		}
		unix.Unmount(dir, unix.MNT_DETACH)
	})
}

func fsMagic(t *testing.T, path string) int64 {
	t.Helper()
	var fs unix.Statfs_t
	if err := unix.Statfs(path, &fs); err != nil {
		t.Errorf("statfs %s: %v", path, err)
	}
	return fs.Type
}

// TestRemovePinChecksWhatIsPinned: RemovePin removes only a namespace of
// the type asked for, only the very namespace asked for, and never through
// a symlink; each refusal changes nothing.
func TestRemovePinChecksWhatIsPinned(t *testing.T) {
	testutil.RequireRoot(t)
	dir := testutil.TempDir(t)
	pin, link := filepath.Join(dir, "pin"), filepath.Join(dir, "link")
	if err := PinPID(0, UTS, pin); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Unpin(pin) })
	if err := os.Symlink(pin, link); err != nil {
		t.Fatal(err)
	}
	other := openT(t, "/proc/self/ns/ipc")
	cases := []struct {
		what string
		err  error
		want string
	}{
		{"wrong type", RemovePin(pin, Net, nil), pin + ": not a network namespace: it holds a uts namespace"},
		{"another namespace", RemovePin(pin, "", other), pin + ": not a pinned namespace: it holds another uts namespace than ipc:["},
		{"a symlink", RemovePin(link, UTS, nil), link + ": not a uts namespace: it is a symlink (symlinks are never followed)"},
		{"a symlink, Unpin", Unpin(link), "unpin: " + link + ": not a pinned namespace: it is a symlink"},
		{"a directory", Unpin(dir), "it is a directory"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) || !errors.Is(c.err, ErrNotPinned) {
			t.Errorf("%s: %v, want %q", c.what, c.err, c.want)
		}
	}
	if !mounted(t, pin) {
		t.Fatalf("a refused RemovePin unmounted %s", pin)
	}
	h := openT(t, pin)
	if err := RemovePin(pin, UTS, h); err != nil {
		t.Fatalf("RemovePin(%s, uts, itself): %v", pin, err)
	}
	if mounted(t, pin) || exists(pin) {
		t.Errorf("RemovePin left %s", pin)
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// TestMountParentBothWays: the pin's parent mount found by statmount(2)
// (unique ids) and by mountinfo (the fallback, older ids) is in both cases
// the mount of the directory holding the pin.
func TestMountParentBothWays(t *testing.T) {
	testutil.RequireRoot(t)
	dir := testutil.TempDir(t)
	pin := filepath.Join(dir, "pin")
	if err := PinPID(0, UTS, pin); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Unpin(pin) })
	fd, err := unix.Open(pin, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	dfd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(dfd)
	_, parent, unique, found, err := mountIDs(fd)
	want, _ := dirMountID(dfd, unique)
	if err != nil || !found || parent != want {
		t.Errorf("mountIDs: parent %d (unique %v, found %v, %v), want %d", parent, unique, found, err, want)
	}
	t.Logf("statmount(2) used: %v", unique)
	var stx unix.Statx_t
	if err := unix.Statx(fd, "", unix.AT_EMPTY_PATH, unix.STATX_MNT_ID, &stx); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile("/proc/thread-self/mountinfo")
	p, ok := parentMount(data, stx.Mnt_id)
	if old, _ := dirMountID(dfd, false); !ok || p != old {
		t.Errorf("mountinfo: parent %d (found %v), want %d", p, ok, old)
	}
}
