//go:build linux

package spawn_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	"github.com/nsh-lua/nsh/bindings/testutil"
	"golang.org/x/sys/unix"
)

func init() {
	spawn.RegisterStep("test.fail", func(arg json.RawMessage) error {
		return fmt.Errorf("refused %s: %w", arg, unix.EACCES)
	})
	spawn.RegisterStep("test.mount", func(arg json.RawMessage) error {
		var dir string
		json.Unmarshal(arg, &dir)
		return unix.Mount("none", dir, "tmpfs", 0, "")
	})
}

// TestBadSpecs: each bad spec fails with a clear error and leaves no child
// behind (TestMain checks threads, mounts and fds).
func TestBadSpecs(t *testing.T) {
	testutil.RequireRoot(t)
	dead := deadPID(t)
	h, err := nsfs.OpenPID(0, nsfs.Net)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	cases := []struct {
		name string
		spec spawn.Spec
		want string
		is   error
	}{
		{"unknown type", spawn.Spec{Argv: []string{"true"}, New: types("nett")}, `unknown namespace type "nett"`, spawn.ErrBadSpec},
		{"join and new", spawn.Spec{Argv: []string{"true"}, New: types(nsfs.Net), Join: []*nsfs.Handle{h}}, "join and new both name net", spawn.ErrBadSpec},
		{"hostname in joined uts", spawn.Spec{Argv: []string{"true"}, Hostname: "x", Join: []*nsfs.Handle{mustNS(t, nsfs.UTS)}}, "hostname needs a new uts", spawn.ErrBadSpec},
		{"map without user", spawn.Spec{Argv: []string{"true"}, MapRoot: true}, "need a new user namespace", spawn.ErrBadSpec},
		{"uid map refused", spawn.Spec{Argv: []string{"true"}, New: types(nsfs.User), UIDMap: []spawn.IDMap{{0, 0, 1}, {0, 1, 1}}}, "uid_map", unix.EINVAL},
		{"gid map refused", spawn.Spec{Argv: []string{"true"}, New: types(nsfs.User), UIDMap: []spawn.IDMap{{0, 0, 1}}, GIDMap: []spawn.IDMap{{0, 1, 1}, {0, 2, 1}}}, "gid_map", unix.EINVAL},
		// The kernel reads map numbers as 32-bit: 2^32 would wrap to 0 and
		// map root, so it is refused before anything starts.
		{"uid map wraps", spawn.Spec{Argv: []string{"true"}, New: types(nsfs.User), UIDMap: []spawn.IDMap{{0, 1 << 32, 1}}}, "ids must stay below 4294967295", spawn.ErrBadSpec},
		{"gid map reaches -1", spawn.Spec{Argv: []string{"true"}, New: types(nsfs.User), UIDMap: []spawn.IDMap{{0, 0, 1}}, GIDMap: []spawn.IDMap{{0, 1<<32 - 2, 5}}}, "gid_map line 1", spawn.ErrBadSpec},
		{"empty command", spawn.Spec{Argv: []string{""}}, "command name is empty", spawn.ErrBadSpec},
		{"NUL in argv", spawn.Spec{Argv: []string{"echo", "a\x00b"}}, "argv[2] contains a NUL byte", spawn.ErrBadSpec},
		{"NUL in env", spawn.Spec{Argv: []string{"true"}, Env: []string{"A=b\x00c"}}, "env entry 1 contains a NUL byte", spawn.ErrBadSpec},
		{"NUL in hostname", spawn.Spec{Argv: []string{"true"}, New: types(nsfs.UTS), Hostname: "a\x00b"}, "hostname contains a NUL byte", spawn.ErrBadSpec},
		{"hostname too long", spawn.Spec{Argv: []string{"true"}, New: types(nsfs.UTS), Hostname: strings.Repeat("h", 65)}, "the kernel allows 64", spawn.ErrBadSpec},
		{"bad propagation", spawn.Spec{Argv: []string{"true"}, New: types(nsfs.Mnt), Propagation: "sideways"}, "propagation", spawn.ErrBadSpec},
		{"no such command", spawn.Spec{Argv: []string{testutil.Prefix + "-none"}, New: types(nsfs.Net)}, "executable file not found", unix.ENOENT},
		{"no such command, re-executed", spawn.Spec{Argv: []string{testutil.Prefix + "-none"}, MountProc: true}, "executable file not found", unix.ENOENT},
		{"step fails on the thread", spawn.Spec{Argv: []string{"true"}, New: types(nsfs.Mnt), Steps: []spawn.Step{{Name: "test.mount", Arg: testutil.TempDir(t)}, {Name: "test.fail", Arg: 1}}}, "step test.fail", unix.EACCES},
		{"step fails in the child", spawn.Spec{Argv: []string{"true"}, New: types(nsfs.User, nsfs.Mnt), MapRoot: true, Steps: []spawn.Step{{Name: "test.fail", Arg: 2}}}, "step test.fail", unix.EACCES},
		{"unknown step", spawn.Spec{Argv: []string{"true"}, Steps: []spawn.Step{{Name: "nope"}}}, `unknown setup step "nope"`, spawn.ErrBadSpec},
		{"bad cgroup", spawn.Spec{Argv: []string{"true"}, Cgroup: testutil.Prefix + "-none"}, "cgroup", unix.ENOENT},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := spawn.Run(ctx(t), c.spec)
			if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, c.is) {
				t.Fatalf("got error %v, want one containing %q and wrapping %v", err, c.want, c.is)
			}
			if kids := children(t); kids != "" {
				t.Fatalf("children left running: %s", kids)
			}
		})
	}
	if _, err := spawn.OpenPID(dead, nil); !errors.Is(err, unix.ESRCH) {
		t.Fatalf("dead pid: %v, want ESRCH", err)
	}
}

func mustNS(t *testing.T, typ nsfs.Type) *nsfs.Handle {
	h, err := nsfs.OpenPID(0, typ)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// deadPID returns the pid of a process that has ended and been reaped.
func deadPID(t *testing.T) int {
	p, err := os.StartProcess("/bin/true", []string{"true"}, &os.ProcAttr{})
	if err != nil {
		t.Fatal(err)
	}
	p.Wait()
	return p.Pid
}

// children lists the live children of this process's threads.
func children(t *testing.T) string {
	tasks, _ := os.ReadDir("/proc/self/task")
	var out []string
	for _, task := range tasks {
		b, _ := os.ReadFile("/proc/self/task/" + task.Name() + "/children")
		for _, pid := range strings.Fields(string(b)) {
			var n int
			fmt.Sscan(pid, &n)
			if alive(n) {
				out = append(out, pid)
			}
		}
	}
	return strings.Join(out, " ")
}
