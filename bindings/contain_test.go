//go:build linux

package bindings

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

// containedEnv marks a test process that runs inside the sandbox
// runContained made.
const containedEnv = "NSH_TEST_CONTAINED"

// containScript makes the sandbox, then runs the test binary: a new mount
// namespace (private), network namespace and pid namespace with its own
// /proc, so a pid or /proc path reaches only the sandbox's processes;
// every file system read-only except /proc, /dev, the Go cache, the
// package's testdata (the fuzz engine writes there) and a scratch
// directory ($NSH_SCRATCH), with a fresh tmpfs on /run/netns. The working
// directory stays the package's, where the corpus is.
const containScript = `set -e
mkdir -p /run/netns # before / goes read-only: a fresh host may not have it
for d in "$NSH_KEEP_RW_1" "$NSH_KEEP_RW_2" "$NSH_SCRATCH"; do
  if [ -d "$d" ]; then mount --bind "$d" "$d"; fi
done
awk '{print $5}' /proc/self/mountinfo | sort -r | while read -r m; do
  case "$m" in
    /proc|/proc/*|/dev|/dev/*|"$NSH_KEEP_RW_1"|"$NSH_KEEP_RW_2"|"$NSH_SCRATCH") ;;
    *) mount -o remount,bind,ro "$m" 2>/dev/null || true ;;
  esac
done
mount -t tmpfs nshtest /run/netns
exec "$@"`

// runContained runs this test alone in a sandbox (see containScript) and
// fails tb when it fails there. The test's flags pass through, so
// go test -fuzz=FuzzRegistry fuzzes inside the sandbox: the engine's
// workers are children of the process there.
func runContained(tb testing.TB, name string) {
	tb.Helper()
	args := []string{"-m", "-n", "-p", "-f", "--mount-proc", "--propagation", "private",
		"sh", "-c", containScript, "sh", os.Args[0]}
	for _, a := range os.Args[1:] {
		if !strings.HasPrefix(a, "-test.run") {
			args = append(args, a)
		}
	}
	args = append(args, "-test.run=^"+name+"$")
	if f := flag.Lookup("test.fuzz"); f != nil && f.Value.String() != "" {
		// One fuzz worker: workers share the sandbox, and one's
		// netns.add would collide with another's names.
		args = append(args, "-test.parallel=1")
	}
	cmd := exec.Command("unshare", args...)
	cache, _ := exec.Command("go", "env", "GOCACHE").Output()
	wd, _ := os.Getwd()
	scratch := testutil.TempDir(tb)
	cmd.Env = append(os.Environ(), containedEnv+"=1", "NSH_SCRATCH="+scratch, "TMPDIR="+scratch,
		"NSH_KEEP_RW_1="+strings.TrimSpace(string(cache)),
		"NSH_KEEP_RW_2="+filepath.Join(wd, "testdata"))
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s in its sandbox: %v", name, err)
	}
}

// contained reports whether this process runs inside the sandbox.
func contained() bool { return os.Getenv(containedEnv) != "" }
