//go:build linux

package testutil

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ContainerStyle says how StartContainer makes the container's root.
type ContainerStyle string

const (
	// PivotRoot pivots into the rootfs and detaches the host's tree, as
	// runc does: the container's mount namespace holds only the rootfs.
	PivotRoot ContainerStyle = "pivot_root"
	// Chroot is unshare --root: the mount namespace still holds the
	// host's tree, the container's processes are chrooted.
	Chroot ContainerStyle = "chroot"
	// UserPivotRoot is PivotRoot inside a new user namespace that maps
	// root to the caller (unshare --user --map-root-user).
	UserPivotRoot ContainerStyle = "user+pivot_root"
)

// Container is a running busybox container made by StartContainer.
type Container struct {
	// Pid is the container's init (a busybox sleep) as this process sees it.
	Pid int
	// Root is the rootfs directory on the host.
	Root string
	// Hostname is the container's host name.
	Hostname string
	// Entries are the names in the rootfs's top directory, sorted.
	Entries []string
	// NetLink is the container's net namespace link ("net:[…]").
	NetLink string
}

// BusyboxPath is the statically linked busybox the containers run
// (Debian's busybox-static); "" when none is installed.
func BusyboxPath() string {
	for _, p := range []string{"/bin/busybox", "/usr/bin/busybox"} {
		if out, err := os.ReadFile(p); err == nil && isStatic(out) {
			return p
		}
	}
	return ""
}

// isStatic reports whether an ELF file has no program interpreter
// (PT_INTERP, type 3): it needs no dynamic loader.
func isStatic(elf []byte) bool {
	if len(elf) < 64 || string(elf[:4]) != "\x7fELF" || elf[4] != 2 {
		return false
	}
	le := func(b []byte) uint64 {
		var v uint64
		for i := len(b) - 1; i >= 0; i-- {
			v = v<<8 | uint64(b[i])
		}
		return v
	}
	phoff, phentsize, phnum := le(elf[32:40]), le(elf[54:56]), le(elf[56:58])
	for i := uint64(0); i < phnum; i++ {
		off := phoff + i*phentsize
		if off+4 > uint64(len(elf)) {
			return false
		}
		if le(elf[off:off+4]) == 3 {
			return false
		}
	}
	return true
}

// BusyboxRoot makes a rootfs directory holding only a static busybox and
// its applet links (no dynamic loader, no /dev, no nsh), removed when the
// test ends.
func BusyboxRoot(tb testing.TB) string {
	tb.Helper()
	bb := BusyboxPath()
	if bb == "" {
		tb.Fatalf("a static busybox is needed (apt-get install busybox-static)")
	}
	root := TempDir(tb)
	for _, d := range []string{"bin", "proc"} {
		if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
			tb.Fatal(err)
		}
	}
	data, err := os.ReadFile(bb)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "bin/busybox"), data, 0o755); err != nil {
		tb.Fatal(err)
	}
	for _, a := range []string{"sh", "hostname", "cat", "sleep", "mount", "umount", "readlink", "ls", "id", "echo"} {
		if err := os.Symlink("busybox", filepath.Join(root, "bin", a)); err != nil {
			tb.Fatal(err)
		}
	}
	return root
}

// StartContainer starts a busybox container in new mnt, uts, ipc, net and
// pid namespaces (and user for UserPivotRoot) with unshare(1), waits until
// it is set up and kills it when the test ends. Its /proc is its own.
func StartContainer(tb testing.TB, style ContainerStyle) *Container {
	tb.Helper()
	c := &Container{Root: BusyboxRoot(tb), Hostname: Name(tb), Entries: []string{"bin", "proc"}}
	inner := fmt.Sprintf("hostname %s && echo ready && exec sleep 600", c.Hostname)
	args := []string{"--mount", "--uts", "--ipc", "--net", "--pid", "--fork", "--kill-child", "--propagation", "private"}
	switch style {
	case Chroot:
		args = append(args, "--root", c.Root, "/bin/sh", "-c", "mount -t proc proc /proc && "+inner)
	case PivotRoot, UserPivotRoot:
		if style == UserPivotRoot {
			args = append([]string{"--user", "--map-root-user"}, args...)
		}
		// proc is mounted while the host's is still visible (a user
		// namespace may mount proc only then); pivot_root . . stacks the
		// old root on the new one; umount -l / (busybox's) detaches it.
		setup := fmt.Sprintf("mount --bind %[1]s %[1]s && mount -t proc proc %[1]s/proc && cd %[1]s && "+
			"pivot_root . . && exec /bin/busybox sh -c 'umount -l / && %[2]s'", c.Root, inner)
		args = append(args, "sh", "-c", setup)
	default:
		tb.Fatalf("unknown container style %q", style)
	}
	cmd := exec.Command("unshare", args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("unshare: %v", err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill() // --kill-child takes the container with it
		cmd.Wait()
	})
	ready := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(out).ReadString('\n')
		if err == nil && line != "ready\n" {
			err = fmt.Errorf("container said %q", line)
		}
		ready <- err
	}()
	select {
	case err := <-ready:
		if err != nil {
			tb.Fatalf("%s container: %v", style, err)
		}
	case <-time.After(20 * time.Second):
		tb.Fatalf("%s container: not ready after 20s", style)
	}
	kids, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", cmd.Process.Pid, cmd.Process.Pid))
	if err != nil {
		tb.Fatal(err)
	}
	if c.Pid, err = strconv.Atoi(strings.TrimSpace(string(kids))); err != nil {
		tb.Fatalf("children of unshare: %q", kids)
	}
	c.NetLink = c.NSLink(tb, "net")
	return c
}

// NSLink is the container's namespace link of type typ ("net:[…]").
func (c *Container) NSLink(tb testing.TB, typ string) string {
	tb.Helper()
	l, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", c.Pid, typ))
	if err != nil {
		tb.Fatal(err)
	}
	return l
}
