//go:build linux

package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/nsenter"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

var (
	noCgoOnce sync.Once
	noCgoBin  string
	noCgoErr  error
)

// nshBinaries are the nsh binary built with cgo (the constructor) and
// without: both must keep the runtime's crashes from the user.
func nshBinaries(t *testing.T) map[string]string {
	t.Helper()
	bin := nshBinary(t)
	noCgoOnce.Do(func() {
		noCgoBin = filepath.Join(binDir, "nsh-nocgo")
		cmd := exec.Command("go", "build", "-o", noCgoBin, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			noCgoErr = &buildFailure{string(out), err}
		}
	})
	if noCgoErr != nil {
		t.Fatalf("build nsh without cgo: %v", noCgoErr)
	}
	if err := os.Chmod(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"cgo": bin, "nocgo": noCgoBin}
}

// noCrash fails the test when the Go runtime's own crash output reached
// the user.
func noCrash(t *testing.T, r result) {
	t.Helper()
	for _, bad := range []string{"fatal error", "goroutine ", "SIGABRT", "pthread_create", "runtime:", "panic:"} {
		if strings.Contains(r.stderr, bad) {
			t.Fatalf("the runtime crashed (%q), exit %d:\n%s", bad, r.code, r.stderr)
		}
	}
}

// fdScript fills the descriptor table with handles, then frees one at a
// time and spawns at each step: one of those steps is the moment the
// runtime would first set up its poller (a pipe) with too few descriptors.
const fdScript = `
local t = {}
while true do
  local ok, h = pcall(ns.self, "net")
  if not ok then print(h) break end
  t[#t + 1] = h
end
local done = false
for k = 1, 16 do
  local ok, r = pcall(ns.run, {"true"})
  if ok then done = true break end
  print(r)
  t[#t]:close(); t[#t] = nil
end
print(done and "spawned" or "never spawned")
`

// TestOpenFileLimit runs nsh under low open file limits: below MinFiles it
// says in one line that it cannot run; above, running out of descriptors
// is an ordinary error with a hint, never a runtime crash.
func TestOpenFileLimit(t *testing.T) {
	for name, bin := range nshBinaries(t) {
		for _, n := range []int{8, 16, 20, 24, 32, 64} {
			t.Run(fmt.Sprintf("%s/nofile=%d", name, n), func(t *testing.T) {
				cmd := exec.Command("prlimit", fmt.Sprintf("--nofile=%d:%d", n, n), "--", bin, "-e", fdScript)
				r := runCmd(t, cmd, "")
				noCrash(t, r)
				if n < 16 {
					want := fmt.Sprintf("nsh: cannot run: the open file limit (ulimit -n) is %d; nsh needs at least 16\n", n)
					if r.code != 1 || r.stderr != want || r.stdout != "" {
						t.Fatalf("exit %d, stdout %q, stderr %q; want exit 1 and %q", r.code, r.stdout, r.stderr, want)
					}
					return
				}
				hint := "too many open files (close handles with h:close() or raise ulimit -n)"
				if r.code != 0 || !strings.Contains(r.stdout, hint) || !strings.HasSuffix(r.stdout, "spawned\n") ||
					strings.HasSuffix(r.stdout, "never spawned\n") {
					t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
				}
			})
		}
	}
}

// TestFilesInUseAtStart: started with nearly every descriptor it may have
// already taken (inherited), nsh says in one line that it cannot run.
func TestFilesInUseAtStart(t *testing.T) {
	for name, bin := range nshBinaries(t) {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command("prlimit", "--nofile=16:16", "--", bin, "-e", "print(1)")
			for i := 0; i < 11; i++ {
				f, err := os.Open(os.DevNull)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				cmd.ExtraFiles = append(cmd.ExtraFiles, f)
			}
			r := runCmd(t, cmd, "")
			noCrash(t, r)
			// Which message depends on how many descriptors the runtime
			// itself holds (cgroup v1 files for GOMAXPROCS).
			if r.code != 1 || !strings.HasPrefix(r.stderr, "nsh: cannot run: ") || strings.Count(r.stderr, "\n") != 1 ||
				!strings.Contains(r.stderr, "(ulimit -n") {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// procScript spawns sleeping children until the process limit stops it,
// then uses ns.with and ns.run once they are gone.
const procScript = `
for i = 1, 3 do assert(ns.run{"true"}.code == 0) end
local ps = {}
for i = 1, 200 do
  local ok, p = pcall(ns.spawn, {"sleep", "1"})
  if not ok then print(p) break end
  ps[#ps + 1] = p
end
assert(#ps > 0 and #ps < 200, #ps .. " children")
for _, p in ipairs(ps) do p:kill() p:wait() end
assert(ns.with({}, function() return 7 end) == 7)
assert(ns.run{"true"}.code == 0)
print("done")
`

// TestProcessLimit runs nsh as an unprivileged user of its own (a uid no
// process uses) under a process limit: too low a limit is one line at
// start-up, and reaching a workable one is an error with a hint, never
// "pthread_create failed" or "failed to create new OS thread".
func TestProcessLimit(t *testing.T) {
	testutil.RequireRoot(t)
	for name, bin := range nshBinaries(t) {
		uid := uint32(3_000_000 + rand.IntN(1_000_000))
		// Without the constructor the runtime starts threads before any
		// Go code of nsh runs: below about 5 it dies before main.
		limits := []int{7, nsenter.MinTasks - 1, nsenter.MinTasks, 24, 40}
		if name == "cgo" {
			limits = append([]int{1, 3}, limits...)
		}
		for _, n := range limits {
			t.Run(fmt.Sprintf("%s/nproc=%d", name, n), func(t *testing.T) {
				cmd := exec.Command("prlimit", fmt.Sprintf("--nproc=%d:%d", n, n), "--", bin, "-e", procScript)
				cmd.Dir = "/"
				cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: uid}}
				r := runCmd(t, cmd, "")
				noCrash(t, r)
				if n < nsenter.MinTasks {
					want := fmt.Sprintf("nsh: cannot run: the process limit (ulimit -u %d) leaves room for %d more processes and threads of this user; nsh needs %d\n",
						n, n, nsenter.MinTasks)
					if r.code != 1 || r.stderr != want {
						t.Fatalf("exit %d, stderr %q; want exit 1 and %q", r.code, r.stderr, want)
					}
					return
				}
				hint := "resource temporarily unavailable (a process or thread limit may be reached: end children with p:kill() or raise ulimit -u)"
				if r.code != 0 || !strings.Contains(r.stdout, hint) || !strings.HasSuffix(r.stdout, "done\n") {
					t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
				}
			})
		}
	}
}
