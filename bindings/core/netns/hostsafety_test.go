//go:build linux

package netns_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/testutil"
	"github.com/nsh-lua/nsh/bindings/testutil/privmount"
	"golang.org/x/sys/unix"
)

// These tests reproduce the host-safety cases of issue 9. Each runs in a
// private mount namespace with its own tmpfs on /run/netns
// (testutil.InPrivateMounts): what they mount and link there never reaches
// the host.

// fsType returns the statfs magic of path, following it.
func fsType(t *testing.T, path string) int64 {
	t.Helper()
	var fs unix.Statfs_t
	if err := unix.Statfs(path, &fs); err != nil {
		t.Errorf("statfs %s: %v", path, err)
	}
	return fs.Type
}

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

// refused checks that err is Del's refusal with every part of want in its
// text and "not a network namespace" before them.
func refused(t *testing.T, what string, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error", what)
		return
	}
	t.Logf("%s: %v", what, err)
	for _, w := range append([]string{"not a network namespace"}, want...) {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s: error %q does not say %q", what, err, w)
		}
	}
}

// mustDo fails the test on err (from any goroutine).
func mustDo(t *testing.T, err error) bool {
	t.Helper()
	if err != nil {
		t.Error(err)
	}
	return err == nil
}

// TestDelRefusesSymlink: the reproduction `ln -s $d /run/netns/x;
// netns.del("x")` used to unmount the tmpfs on $d. Del and DelAll refuse
// and leave both the mount and the symlink; read paths refuse too.
func TestDelRefusesSymlink(t *testing.T) {
	name, target := testutil.Name(t), testutil.TempDir(t)
	privmount.InPrivateMounts(t, func() {
		if !mustDo(t, unix.Mount("v", target, "tmpfs", 0, "")) ||
			!mustDo(t, os.Symlink(target, netns.Path(name))) {
			return
		}
		refused(t, "Del", netns.Del(name), "it is a symlink", netns.SymlinkHint)
		done, err := netns.DelAll(name)
		refused(t, "DelAll", err, "it is a symlink")
		if len(done) != 0 {
			t.Errorf("DelAll removed %v", done)
		}
		if fsType(t, target) != unix.TMPFS_MAGIC || !mountedHere(t, target) {
			t.Errorf("the tmpfs on %s was unmounted", target)
		}
		if l, err := os.Readlink(netns.Path(name)); err != nil || l != target {
			t.Errorf("the symlink is gone: %q, %v", l, err)
		}
		_, err = netns.Get(name)
		want := "netns get: " + name + ": " + netns.Path(name) + " is a symlink: nsh never follows symlinks in /run/netns"
		if err == nil || err.Error() != want || !errors.Is(err, netns.ErrSymlink) || !errors.Is(err, unix.ELOOP) {
			t.Errorf("Get(symlink) = %v, want %q", err, want)
		}
		for op, err := range map[string]error{
			"ID": second(netns.ID(name)), "SetID": second(netns.SetID(name, -1)), "Pids": second(netns.Pids(name)),
		} {
			if !errors.Is(err, netns.ErrSymlink) {
				t.Errorf("%s(symlink) = %v, want ErrSymlink", op, err)
			}
		}
		unix.Unmount(target, unix.MNT_DETACH)
	})
}

// TestDelRefusesSymlinkToNamespace: a symlink to a real pin elsewhere is
// refused as well, and the pin it points to stays; Identify does not take
// a symlink to the caller's own namespace for a name.
func TestDelRefusesSymlinkToNamespace(t *testing.T) {
	real, link, self := testutil.Name(t), testutil.Name(t), testutil.Name(t)
	privmount.InPrivateMounts(t, func() {
		h, err := netns.Add(real)
		if !mustDo(t, err) {
			return
		}
		defer h.Close()
		if !mustDo(t, os.Symlink(netns.Path(real), netns.Path(link))) {
			return
		}
		refused(t, "Del", netns.Del(link), "it is a symlink")
		if !mustDo(t, os.Symlink("/proc/self/ns/net", netns.Path(self))) {
			return
		}
		if ids, err := netns.Identify(0); len(ids) != 0 || err != nil {
			t.Errorf("Identify(self) = %v, %v; want no name", ids, err)
		}
		if list, _ := netns.List(); len(list) != 3 {
			t.Errorf("List = %v, want all three entries", list)
		}
		got, err := netns.Get(real)
		if !mustDo(t, err) {
			return
		}
		if !got.Same(h) || !mountedHere(t, netns.Path(real)) {
			t.Errorf("the pin the symlink points to was touched")
		}
		got.Close()
		mustDo(t, netns.Del(real))
	})
}

// TestDelRefusesNonNamespaces: a directory with a tmpfs on it, a regular
// file with another file bind-mounted on it, a plain data file, and another
// kind of namespace are each refused before anything changes (Del used to
// unmount the tmpfs, unmount and delete the bind mount, delete the file).
func TestDelRefusesNonNamespaces(t *testing.T) {
	dir := testutil.TempDir(t)
	data := filepath.Join(dir, "data")
	if err := os.WriteFile(data, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	tmpfs, bound, plain, uts := testutil.Name(t), testutil.Name(t), testutil.Name(t), testutil.Name(t)
	privmount.InPrivateMounts(t, func() {
		ok := mustDo(t, os.Mkdir(netns.Path(tmpfs), 0o755)) &&
			mustDo(t, unix.Mount("t", netns.Path(tmpfs), "tmpfs", 0, "")) &&
			mustDo(t, os.WriteFile(netns.Path(bound), nil, 0o644)) &&
			mustDo(t, unix.Mount(data, netns.Path(bound), "", unix.MS_BIND, "")) &&
			mustDo(t, os.WriteFile(netns.Path(plain), []byte("keep"), 0o644)) &&
			mustDo(t, os.WriteFile(netns.Path(uts), nil, 0o644)) &&
			mustDo(t, unix.Mount("/proc/self/ns/uts", netns.Path(uts), "", unix.MS_BIND, ""))
		if !ok {
			return
		}
		refused(t, "Del(tmpfs dir)", netns.Del(tmpfs), "it is a directory")
		refused(t, "Del(bound file)", netns.Del(bound), "the file mounted on it is not a namespace")
		refused(t, "Del(plain file)", netns.Del(plain), "nothing is mounted on it")
		refused(t, "Del(uts)", netns.Del(uts), "it holds a uts namespace")
		if _, err := netns.Get(uts); !errors.Is(err, netns.ErrNotNetns) {
			t.Errorf("Get(uts pin) = %v, want ErrNotNetns", err)
		}
		if _, err := netns.Get(plain); !errors.Is(err, netns.ErrNotNetns) {
			t.Errorf("Get(plain file) = %v, want ErrNotNetns", err)
		}
		for _, n := range []string{tmpfs, bound, uts} {
			if !mountedHere(t, netns.Path(n)) {
				t.Errorf("%s was unmounted", netns.Path(n))
			}
		}
		if b, err := os.ReadFile(netns.Path(plain)); err != nil || string(b) != "keep" {
			t.Errorf("the plain file was touched: %q, %v", b, err)
		}
		if b, err := os.ReadFile(netns.Path(bound)); err != nil || string(b) != "keep" {
			t.Errorf("the bind-mounted file was touched: %q, %v", b, err)
		}
	})
	if b, err := os.ReadFile(data); err != nil || string(b) != "keep" {
		t.Errorf("%s was touched: %q, %v", data, b, err)
	}
}

// TestDelOnReadOnlyDirChangesNothing: on a read-only /run/netns, Del used
// to detach the namespace and then fail to unlink, leaving a dead name. It
// refuses first now: the namespace stays pinned, and is deleted once the
// directory is writable again.
func TestDelOnReadOnlyDirChangesNothing(t *testing.T) {
	name := testutil.Name(t)
	privmount.InPrivateMounts(t, func() {
		h, err := netns.Add(name)
		if !mustDo(t, err) {
			return
		}
		defer h.Close()
		if !mustDo(t, unix.Mount("", netns.Dir, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY, "")) {
			return
		}
		err = netns.Del(name)
		if !errors.Is(err, unix.EROFS) {
			t.Errorf("Del on a read-only %s = %v, want EROFS", netns.Dir, err)
		}
		for _, err := range []error{err, second(netns.DelAll(name))} {
			if err == nil || !strings.Contains(err.Error(), "read-only file system") {
				t.Errorf("error %v does not say read-only", err)
			}
		}
		if !mountedHere(t, netns.Path(name)) || fsType(t, netns.Path(name)) != unix.NSFS_MAGIC {
			t.Errorf("a refused Del unmounted %s", netns.Path(name))
			return
		}
		if g, err := netns.Get(name); err != nil || !g.Same(h) {
			t.Errorf("after a refused Del, Get = %v, %v", g, err)
		} else {
			g.Close()
		}
		mustDo(t, unix.Mount("", netns.Dir, "", unix.MS_REMOUNT|unix.MS_BIND, ""))
		mustDo(t, netns.Del(name))
		if exists(netns.Path(name)) || mountedHere(t, netns.Path(name)) {
			t.Errorf("Del on a writable %s left %s", netns.Dir, netns.Path(name))
		}
	})
}

// TestDelAllSkipsAndReports: DelAll deletes the real namespaces among the
// names and leaves every other entry as it is, reporting each.
func TestDelAllSkipsAndReports(t *testing.T) {
	prefix, target := testutil.Name(t), testutil.TempDir(t)
	good, link, plain := prefix+"a", prefix+"b", prefix+"c"
	privmount.InPrivateMounts(t, func() {
		h, err := netns.Add(good)
		if !mustDo(t, err) {
			return
		}
		h.Close()
		ok := mustDo(t, unix.Mount("v", target, "tmpfs", 0, "")) &&
			mustDo(t, os.Symlink(target, netns.Path(link))) &&
			mustDo(t, os.WriteFile(netns.Path(plain), []byte("keep"), 0o644))
		if !ok {
			return
		}
		done, err := netns.DelAll(prefix)
		if len(done) != 1 || done[0] != good {
			t.Errorf("DelAll removed %v, want [%s]", done, good)
		}
		refused(t, "DelAll", err, netns.Path(link)+": not a network namespace", netns.Path(plain)+": not a network namespace")
		if !mountedHere(t, target) || !exists(netns.Path(link)) || !exists(netns.Path(plain)) {
			t.Errorf("DelAll touched an entry it refused")
		}
		if exists(netns.Path(good)) {
			t.Errorf("DelAll left %s", good)
		}
		unix.Unmount(target, unix.MNT_DETACH)
	})
}
