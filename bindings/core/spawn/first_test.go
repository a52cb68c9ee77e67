//go:build linux

package spawn_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

const firstSpawnEnv = "NSH_SPAWN_TEST_FIRST"

// firstSpawnHelper is a fresh process whose very first child is started
// from a thread that unshared pid: os/exec's one-time probe fork must not
// have become PID 1 of that namespace (osthread rule 7), or the real
// child fails with ENOMEM.
func firstSpawnHelper() int {
	out := make(chan string)
	osthread.Go(func() { // never unlocked: its pid_for_children changes
		if err := spawn.Unshare([]nsfs.Type{nsfs.PID}, ""); err != nil {
			out <- "unshare: " + err.Error()
			return
		}
		set, err := spawn.CurrentSet()
		if err != nil || !set.Pending {
			out <- fmt.Sprintf("current set: pending=%v err=%v", set != nil && set.Pending, err)
			return
		}
		res, err := spawn.Run(context.Background(), spawn.Spec{Argv: []string{"sh", "-c", "echo $$"}, Here: true})
		if err != nil {
			out <- "run: " + err.Error()
			return
		}
		out <- strings.TrimSpace(string(res.Stdout))
	})
	fmt.Println(<-out)
	return 0
}

func TestFirstSpawnInUnsharedPID(t *testing.T) {
	testutil.RequireRoot(t)
	cmd := exec.Command("/proc/self/exe")
	cmd.Env = append(os.Environ(), firstSpawnEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "1" {
		t.Fatalf("first child after unshare(pid): %q, %v; want it to be PID 1", out, err)
	}
}
