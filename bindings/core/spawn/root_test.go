//go:build linux

package spawn_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	"github.com/nsh-lua/nsh/bindings/testutil"
	"golang.org/x/sys/unix"
)

func init() {
	// test.bindroot binds the host's program directories into the root
	// directory given, inside the child's own mount namespace.
	spawn.RegisterStep("test.bindroot", func(arg json.RawMessage) error {
		var root string
		if err := json.Unmarshal(arg, &root); err != nil {
			return err
		}
		for _, d := range []string{"/bin", "/lib", "/lib64", "/usr"} {
			if _, err := os.Lstat(d); err != nil {
				continue
			}
			if fi, _ := os.Lstat(d); fi.Mode()&os.ModeSymlink != 0 {
				target, _ := os.Readlink(d)
				os.Symlink(target, filepath.Join(root, d))
				continue
			}
			os.Mkdir(filepath.Join(root, d), 0o755)
			if err := unix.Mount(d, filepath.Join(root, d), "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestRootDirEnv: the child runs chrooted in Root, in Dir, with Env, both
// from the spawner thread and from the re-executed child.
func TestRootDirEnv(t *testing.T) {
	testutil.RequireRoot(t)
	for _, user := range []bool{false, true} {
		root := testutil.TempDir(t)
		os.Mkdir(filepath.Join(root, "work"), 0o755)
		os.WriteFile(filepath.Join(root, "marker"), nil, 0o644)
		spec := spawn.Spec{Argv: []string{"sh", "-c", "ls /marker; pwd; echo $FOO"}, New: types(nsfs.Mnt),
			Root: root, Dir: "/work", Env: []string{"FOO=bar", "PATH=/usr/bin:/bin"},
			Steps: []spawn.Step{{Name: "test.bindroot", Arg: root}}}
		if user {
			spec.New, spec.MapRoot = types(nsfs.Mnt, nsfs.User), true
		}
		out := run(t, spec)
		if out != "/marker\n/work\nbar\n" {
			t.Fatalf("user=%v: got %q", user, out)
		}
		mi, _ := os.ReadFile("/proc/self/mountinfo")
		if strings.Contains(string(mi), root) {
			t.Fatalf("binds made in the child's namespace show in ours")
		}
	}
}
