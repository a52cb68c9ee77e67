//go:build linux

package bindings

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

// TestWithRestores runs 1,000 ns.with calls into other net and uts
// namespaces, a third of them raising inside, and then checks that the
// shell thread and every other thread of the process are in their
// original namespaces, and that goroutines started afterwards see the
// original netns.
func TestWithRestores(t *testing.T) {
	testutil.RequireRoot(t)
	rt := newTestRuntime(t, nil)
	want := taskNS(t, strconv.Itoa(os.Getpid()))
	code := `
local a = ns.spawn{"sleep", "60", new = {"net"}}
local b = ns.spawn{"sleep", "60", new = {"uts"}, hostname = "with-test"}
local na, ub = a:ns("net"), b:ns("uts")
local net0, uts0 = ns.self("net"), ns.self("uts")
local targets = {na, {uts = ub}, {na, ub}, b.pid}
local raised = 0
for i = 1, 1000 do
  local target = targets[i % 4 + 1]
  local ok, err = pcall(ns.with, target, function(i)
    local inNet, inUts = ns.self("net"), ns.self("uts")
    assert(inNet ~= net0 or inUts ~= uts0, "not moved")
    if i % 3 == 0 then error("raised " .. i) end
    return i
  end, i)
  if not ok then
    assert(tostring(err):find("raised " .. i, 1, true), tostring(err))
    raised = raised + 1
  else
    assert(err == i)
  end
  assert(ns.self("net") == net0 and ns.self("uts") == uts0, "not restored after call " .. i)
end
assert(raised == 333, raised)
a:kill(); b:kill(); a:wait(); b:wait()
`
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := rt.DoString(ctx, code, "with_test"); err != nil {
		t.Fatalf("%v\n%s", err, traceOf(err))
	}
	// Threads that ran the calls die asynchronously once their goroutine
	// returned locked; give them a moment, then nothing may be left.
	var bad []string
	for try := 0; try < 50; try++ {
		if bad = foreignTasks(t, want); len(bad) == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(bad) > 0 {
		t.Fatalf("threads in foreign namespaces after 1,000 ns.with calls:\n%s", strings.Join(bad, "\n"))
	}
	vals, err := rt.Eval(ctx, `return tostring(ns.self("net")), tostring(ns.self("uts"))`, "after")
	if err != nil || vals[0].String() != want["net"] || vals[1].String() != want["uts"] {
		t.Fatalf("shell thread in %v (err %v), want %s %s", vals, err, want["net"], want["uts"])
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wrong := 0
	for i := 0; i < 500; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, _ := os.Readlink("/proc/thread-self/ns/net")
			if l != want["net"] {
				mu.Lock()
				wrong++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wrong > 0 {
		t.Fatalf("%d of 500 later goroutines ran in a foreign netns", wrong)
	}
}

// taskNS reads the namespace links of one task of this process.
func taskNS(t *testing.T, tid string) map[string]string {
	out := map[string]string{}
	for _, typ := range []string{"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"} {
		l, err := os.Readlink(filepath.Join("/proc/self/task", tid, "ns", typ))
		if err == nil {
			out[typ] = l
		}
	}
	return out
}

// foreignTasks lists the threads of this process whose namespaces differ
// from want.
func foreignTasks(t *testing.T, want map[string]string) []string {
	tasks, _ := os.ReadDir("/proc/self/task")
	var bad []string
	for _, task := range tasks {
		for typ, l := range taskNS(t, task.Name()) {
			if l != want[typ] {
				bad = append(bad, fmt.Sprintf("thread %s: %s", task.Name(), l))
			}
		}
	}
	return bad
}

// TestWaitCancelKillsChild cancels the context while a script waits for a
// child (what Ctrl-C does): the wait returns and the child is gone.
func TestWaitCancelKillsChild(t *testing.T) {
	testutil.RequireRoot(t)
	var out bytes.Buffer
	rt := newTestRuntime(t, &out)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := rt.DoString(ctx, `local p = ns.spawn{"sleep", "60", new = {"pid"}}
print(p.pid)
p:wait()`, "wait")
	if err == nil || time.Since(start) > 10*time.Second {
		t.Fatalf("wait returned %v after %v", err, time.Since(start))
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(out.String()))
	if pid <= 0 {
		t.Fatalf("no pid printed: %q", out.String())
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil && !strings.Contains(string(b), ") Z") {
		t.Fatalf("child %d still running after the wait was cancelled", pid)
	}
}

// TestRuntimeCloseKillsChildren: children started with kill_on_exit (the
// default) die with the runtime; kill_on_exit=false ones do not.
func TestRuntimeCloseKillsChildren(t *testing.T) {
	testutil.RequireRoot(t)
	var out bytes.Buffer
	rt, err := New(Options{Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	err = rt.DoString(context.Background(), `print(ns.spawn{"sleep", "60"}.pid)
print(ns.spawn{"sleep", "60", kill_on_exit = false}.pid)`, "close")
	rt.Close()
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(out.String())
	killed, kept := f[0], f[1]
	t.Cleanup(func() { testutil.Cmd(t, "kill", "-9", kept) })
	if b, err := os.ReadFile("/proc/" + killed + "/stat"); err == nil && !strings.Contains(string(b), ") Z") {
		t.Fatalf("child %s outlived the runtime", killed)
	}
	if _, err := os.Stat("/proc/" + kept); err != nil {
		t.Fatalf("kill_on_exit=false child %s died with the runtime", kept)
	}
}

// TestFIFOStreamOpenCancels: a stdin that is a FIFO nobody writes blocks
// the open, as a shell's redirection does, until Ctrl-C (the context)
// ends it; nothing is started and nothing stays blocked.
func TestFIFOStreamOpenCancels(t *testing.T) {
	testutil.RequireRoot(t)
	fifo := filepath.Join(testutil.TempDir(t), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	rt := newTestRuntime(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := rt.DoString(ctx, `ns.run{"cat", stdin = "`+fifo+`"}`, "fifo")
	if err == nil || time.Since(start) > 10*time.Second {
		t.Fatalf("ns.run with a FIFO nobody writes returned %v after %v", err, time.Since(start))
	}
	// The FIFO still works for a writer and a reader afterwards.
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			f.WriteString("through\n")
			f.Close()
		}
	}()
	vals, err := rt.Eval(context.Background(), `return ns.run{"cat", stdin = "`+fifo+`", capture = true}.stdout`, "fifo2")
	if err != nil || len(vals) != 1 || vals[0].String() != "through\n" {
		t.Fatalf("after the cancelled open: %v, %v", vals, err)
	}
}
