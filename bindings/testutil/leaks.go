//go:build linux

package testutil

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// Main runs the package's tests and then fails the run when they left
// anything behind: file descriptors of this process, named network
// namespaces or host links carrying Prefix, mounts whose path carries
// Prefix, threads of this process in namespaces other than the ones the
// process started in, or processes the tests started that still run
// (those are killed). Call it from TestMain: os.Exit(testutil.Main(m)).
func Main(m *testing.M) int {
	mark := markRun()
	before := snapshot()
	code := m.Run()
	if left := strays(mark); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: leak check: processes left running by the tests:\n  %s\n", strings.Join(left, "\n  "))
		return 1
	}
	if code != 0 {
		return code
	}
	var leaks []string
	// Give finalizers and exiting threads a moment: a thread whose locked
	// goroutine exited is killed by the runtime asynchronously.
	for try := 0; try < 20; try++ {
		runtime.GC()
		leaks = before.diff(snapshot())
		if len(leaks) == 0 {
			return 0
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Fprintf(os.Stderr, "FAIL: leak check: the tests left behind:\n  %s\n", strings.Join(leaks, "\n  "))
	return 1
}

type state struct {
	fds     map[string]string // fd number -> link target
	netns   []string
	links   []string
	mounts  []string
	threads []string
}

func snapshot() state {
	return state{
		fds:     openFDs(),
		netns:   withPrefix(namedNetns()),
		links:   withPrefix(hostLinks()),
		mounts:  withPrefix(mountPoints()),
		threads: foreignThreads(),
	}
}

func (b state) diff(a state) []string {
	var out []string
	for fd, target := range a.fds {
		if _, ok := b.fds[fd]; !ok && !ignorableFD(target) {
			out = append(out, fmt.Sprintf("fd %s -> %s", fd, target))
		}
	}
	for _, n := range a.netns {
		out = append(out, "named netns "+n)
	}
	for _, l := range a.links {
		out = append(out, "host link "+l)
	}
	for _, m := range a.mounts {
		out = append(out, "mount "+m)
	}
	out = append(out, a.threads...)
	sort.Strings(out)
	return out
}

// ignorableFD reports descriptors the Go runtime opens for itself on first
// use (the netpoller), which are not the tests' to close.
func ignorableFD(target string) bool {
	return target == "anon_inode:[eventpoll]" || target == "anon_inode:[eventfd]"
}

func openFDs() map[string]string {
	out := map[string]string{}
	entries, _ := os.ReadDir("/proc/self/fd")
	for _, e := range entries {
		target, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err != nil {
			continue // the fd ReadDir itself used, closed by now
		}
		out[e.Name()] = target
	}
	return out
}

func namedNetns() []string {
	entries, _ := os.ReadDir("/run/netns")
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func hostLinks() []string {
	entries, _ := os.ReadDir("/sys/class/net")
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func mountPoints() []string {
	data, _ := os.ReadFile("/proc/self/mountinfo")
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 {
			out = append(out, f[4])
		}
	}
	return out
}

// withPrefix keeps the names this run made (Owns): the leak check is
// strict for those and blind to everything else on the host.
func withPrefix(names []string) []string {
	var out []string
	for _, n := range names {
		if Owns(n) {
			out = append(out, n)
		}
	}
	return out
}

// foreignThreads lists threads of this process whose namespaces differ from
// the ones the process itself (its main thread) is in.
func foreignThreads() []string {
	pid := fmt.Sprint(os.Getpid())
	want := threadNS(filepath.Join("/proc", pid, "task", pid))
	tasks, _ := os.ReadDir("/proc/self/task")
	var out []string
	for _, t := range tasks {
		got := threadNS(filepath.Join("/proc/self/task", t.Name()))
		for typ, link := range got {
			if w, ok := want[typ]; ok && w != link {
				out = append(out, fmt.Sprintf("thread %s in %s (process in %s)", t.Name(), link, w))
			}
		}
	}
	return out
}

func threadNS(dir string) map[string]string {
	out := map[string]string{}
	for _, typ := range []string{"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"} {
		if link, err := os.Readlink(filepath.Join(dir, "ns", typ)); err == nil {
			out[typ] = link
		}
	}
	return out
}

// HasTool reports whether a system tool the cross-checks need is installed.
func HasTool(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}

// State is what the leak check compares: a snapshot of the objects a run
// may leave behind.
type State = state

// Snapshot takes the leak check's snapshot now.
func Snapshot() State { return snapshot() }

// Leaks lists what the run made between before and after and left behind.
func Leaks(before, after State) []string { return before.diff(after) }
