//go:build linux

package spawn_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/nsenter"
	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

// joinForm is one way of naming a container's namespaces in a Spec.
type joinForm struct {
	name string
	pid  bool // the pid namespace is joined: /proc/self resolves inside
	spec func(t *testing.T, pid int) spawn.Spec
}

// openTypes opens the given namespaces of pid one handle at a time (the
// {type=handle} table form) and closes them when the test ends.
func openTypes(t *testing.T, pid int, ts ...nsfs.Type) []*nsfs.Handle {
	var hs []*nsfs.Handle
	for _, typ := range ts {
		h, err := nsfs.OpenPID(pid, typ)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		hs = append(hs, h)
	}
	return hs
}

func joinForms(user bool) []joinForm {
	all := types(nsfs.IPC, nsfs.Mnt, nsfs.Net, nsfs.PID, nsfs.UTS)
	if user {
		all = append(all, nsfs.User)
	}
	return []joinForm{
		{"pid", true, func(t *testing.T, pid int) spawn.Spec {
			hs, err := spawn.OpenPID(pid, nil) // every type that differs
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				for _, h := range hs {
					h.Close()
				}
			})
			return spawn.Spec{Join: hs}
		}},
		{"handles", true, func(t *testing.T, pid int) spawn.Spec {
			return spawn.Spec{Join: openTypes(t, pid, all...)}
		}},
		{"mnt+uts", false, func(t *testing.T, pid int) spawn.Spec {
			ts := types(nsfs.Mnt, nsfs.UTS)
			if user {
				ts = append(ts, nsfs.User)
			}
			return spawn.Spec{Join: openTypes(t, pid, ts...)}
		}},
		{"base mnt+uts+net, join pid", true, func(t *testing.T, pid int) spawn.Spec {
			// The caller's thread set (ns.with) carries the mount namespace.
			s := spawn.Spec{Base: openTypes(t, pid, nsfs.Mnt, nsfs.UTS, nsfs.Net), Join: openTypes(t, pid, nsfs.PID)}
			if user {
				s.Join = openTypes(t, pid, nsfs.User, nsfs.PID)
			}
			return s
		}},
	}
}

// TestJoinBusyboxContainer joins containers whose root holds a static
// busybox and nothing else (no dynamic loader, no /dev, no nsh), in every
// join form, with kill_on_exit on and off: the command runs in the
// container's root and namespaces (rule 11: nsh re-executes itself before
// it enters the container's mount namespace, never after).
func TestJoinBusyboxContainer(t *testing.T) {
	testutil.RequireRoot(t)
	for _, style := range []testutil.ContainerStyle{testutil.PivotRoot, testutil.Chroot, testutil.UserPivotRoot} {
		t.Run(string(style), func(t *testing.T) {
			c := testutil.StartContainer(t, style)
			user := style == testutil.UserPivotRoot
			for _, form := range joinForms(user) {
				for _, kill := range []bool{false, true} {
					name := form.name
					if kill {
						name += ",kill_on_exit"
					}
					t.Run(name, func(t *testing.T) {
						spec := form.spec(t, c.Pid)
						spec.KillOnExit = kill
						checkInside(t, c, style, form.pid, spec)
					})
				}
			}
		})
	}
}

// checkInside runs hostname, ls / and a read of /proc/self in the
// container through spec and checks what they print.
func checkInside(t *testing.T, c *testutil.Container, style testutil.ContainerStyle, pidJoined bool, spec spawn.Spec) {
	t.Helper()
	script := "hostname; ls /"
	if pidJoined {
		script += "; readlink /proc/self/ns/net; cat /proc/self/comm"
	}
	spec.Argv = sh(script)
	userJoined := false
	for _, h := range append(spec.Join, spec.Base...) {
		userJoined = userJoined || h.Type() == nsfs.User
	}
	if userJoined && !nsenter.Linked() {
		if _, err := spawn.Run(ctx(t), spec); !errors.Is(err, spawn.ErrNeedsCgo) {
			t.Fatalf("without cgo, joining a user namespace: %v, want ErrNeedsCgo", err)
		}
		return
	}
	res, err := spawn.Run(ctx(t), spec)
	if err != nil {
		t.Fatalf("join %s container: %v", style, err)
	}
	out := strings.Split(strings.TrimSpace(string(res.Stdout)), "\n")
	if res.Code != 0 || len(out) < 1 {
		t.Fatalf("exit %d: %s%s", res.Code, res.Stdout, res.Stderr)
	}
	if out[0] != c.Hostname {
		t.Fatalf("hostname inside: %q, want %q", out[0], c.Hostname)
	}
	rest := out[1:]
	if style != testutil.Chroot { // the mount namespace holds only the rootfs
		n := len(c.Entries)
		if len(rest) < n || strings.Join(rest[:n], " ") != strings.Join(c.Entries, " ") {
			t.Fatalf("ls / inside: %q, want the rootfs %q", rest, c.Entries)
		}
		rest = rest[n:]
	} else if len(rest) > 0 && !pidJoined {
		rest = nil
	}
	if !pidJoined {
		return
	}
	if style == testutil.Chroot {
		rest = rest[len(rest)-2:]
	}
	if len(rest) != 2 || rest[0] != c.NetLink || rest[1] != "cat" {
		t.Fatalf("/proc/self inside: %q, want [%s cat]", rest, c.NetLink)
	}
}

// TestSpawnInsideWithContainer: a child started from a thread that
// entered a container with With (ns.with) starts in the container: the
// thread's set is read from the process's own /proc, not the container's
// (where the thread does not exist).
func TestSpawnInsideWithContainer(t *testing.T) {
	testutil.RequireRoot(t)
	for _, style := range []testutil.ContainerStyle{testutil.PivotRoot, testutil.Chroot} {
		t.Run(string(style), func(t *testing.T) {
			c := testutil.StartContainer(t, style)
			target := openTypes(t, c.Pid, nsfs.IPC, nsfs.Mnt, nsfs.Net, nsfs.PID, nsfs.UTS)
			for _, kill := range []bool{false, true} {
				var spec spawn.Spec
				err := spawn.With(nil, target, func() {
					set, err := spawn.CurrentSet()
					if err != nil {
						t.Errorf("CurrentSet inside the container: %v", err)
						return
					}
					defer set.Close()
					if len(set.NS) != len(target) {
						t.Errorf("CurrentSet inside the container: %v, want %v", set.NS, target)
					}
					spec = spawn.Spec{Base: set.NS, KillOnExit: kill}
					checkInside(t, c, style, true, spec)
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
