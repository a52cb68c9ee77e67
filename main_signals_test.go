//go:build linux

package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

// signalRun is nsh started with a script that prints "ready PID" once it
// is where the signal should find it (PID: a child it started, or 0).
type signalRun struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	child  int
	done   chan struct{}
}

func startForSignal(t *testing.T, args ...string) *signalRun {
	t.Helper()
	r := &signalRun{cmd: exec.Command(nshBinary(t), args...), done: make(chan struct{})}
	r.cmd.Stderr = &r.stderr
	out, err := r.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.cmd.Process.Kill(); <-r.done })
	lines := bufio.NewScanner(out)
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), "ready ") {
		r.cmd.Process.Kill()
		t.Fatalf("nsh did not get ready: %q; stderr: %s", lines.Text(), r.stderr.String())
	}
	r.child, _ = strconv.Atoi(strings.TrimPrefix(lines.Text(), "ready "))
	go func() {
		for lines.Scan() {
		}
		r.cmd.Wait()
		close(r.done)
	}()
	return r
}

// wait returns nsh's exit status, failing the test after a minute.
func (r *signalRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(time.Minute):
		t.Fatalf("nsh did not exit after the signal; stderr: %s", r.stderr.String())
	}
	return r.cmd.ProcessState.ExitCode()
}

func processGone(pid int) bool {
	if pid <= 0 {
		return true
	}
	err := syscall.Kill(pid, 0)
	if errors.Is(err, syscall.ESRCH) {
		return true
	}
	// A zombie whose parent (nsh) is gone is reaped by init shortly.
	data, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	return strings.Contains(string(data), ") Z ")
}

// labScript builds a lab, starts a child in it and waits for the child:
// the signal comes while both exist.
const labScript = `
local prefix = ...
topo.with({prefix = prefix, hosts = {"a", "b", "c"}, switches = {"s"},
           links = {{"a", "s"}, {"b", "s"}, {"c", "s"}}}, function(lab)
  local p = ns.spawn{"sleep", "100"}
  print("ready " .. p.pid)
  p:wait()
end)`

// checkCleaned fails when the lab's namespaces (named with prefix; ""
// for a script without a lab) or the child remain.
func checkCleaned(t *testing.T, prefix string, child int) {
	t.Helper()
	entries, _ := os.ReadDir("/run/netns")
	for _, e := range entries {
		if prefix != "" && strings.HasPrefix(e.Name(), prefix) {
			t.Errorf("lab namespace %s left after the signal", e.Name())
			os.Remove("/run/netns/" + e.Name())
		}
	}
	for try := 0; try < 50 && !processGone(child); try++ {
		time.Sleep(20 * time.Millisecond)
	}
	if !processGone(child) {
		t.Errorf("child %d still runs after the signal", child)
		syscall.Kill(child, syscall.SIGKILL)
	}
}

func TestSigintEndsScriptWith130(t *testing.T) {
	testutil.RequireRoot(t)
	prefix := testutil.Name(t) + "-"
	r := startForSignal(t, "-e", "local prefix = '"+prefix+"'"+strings.Replace(labScript, "local prefix = ...", "", 1))
	r.cmd.Process.Signal(syscall.SIGINT)
	if code := r.wait(t); code != 130 {
		t.Errorf("status %d after SIGINT, want 130", code)
	}
	if got := r.stderr.String(); got != "nsh: interrupted\n" {
		t.Errorf("stderr after SIGINT:\n%s\nwant the one line \"nsh: interrupted\"", got)
	}
	checkCleaned(t, prefix, r.child)
}

func TestSigtermDuringStreamReadEndsWith143(t *testing.T) {
	testutil.RequireRoot(t)
	r := startForSignal(t, "-e", `
		local p = ns.spawn{"sleep", "100", stdout = "pipe"}
		print("ready " .. p.pid)
		p.stdout:read("*a")`)
	r.cmd.Process.Signal(syscall.SIGTERM)
	if code := r.wait(t); code != 143 {
		t.Errorf("status %d after SIGTERM, want 143", code)
	}
	if got := r.stderr.String(); got != "nsh: terminated\n" {
		t.Errorf("stderr after SIGTERM:\n%s\nwant the one line \"nsh: terminated\"", got)
	}
	checkCleaned(t, "", r.child)
}

func TestSigintStopsBusyLoop(t *testing.T) {
	r := startForSignal(t, "-e", `print("ready 0") while true do end`)
	r.cmd.Process.Signal(syscall.SIGINT)
	if code := r.wait(t); code != 130 || r.stderr.String() != "nsh: interrupted\n" {
		t.Errorf("status %d, stderr %q; want 130 and \"nsh: interrupted\"", code, r.stderr.String())
	}
}

// TestRepeatedSigintDoesNotAbandonCleanup sends SIGINT every 10 ms until
// nsh exits: the lab is still torn down completely, and what nsh says
// about the later signals is that it is still cleaning up.
func TestRepeatedSigintDoesNotAbandonCleanup(t *testing.T) {
	testutil.RequireRoot(t)
	prefix := testutil.Name(t) + "-"
	script := writeScript(t, "lab.lua", labScript)
	r := startForSignal(t, script, prefix)
	stop := make(chan struct{})
	go func() {
		for {
			r.cmd.Process.Signal(syscall.SIGINT)
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	code := r.wait(t)
	close(stop)
	if code != 130 {
		t.Errorf("status %d, want 130", code)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr.String()), "\n")
	for _, l := range lines {
		if l != "nsh: interrupted" && !strings.HasPrefix(l, "nsh: still cleaning up") {
			t.Errorf("unexpected stderr line %q", l)
		}
	}
	t.Logf("stderr: %d lines, first %q", len(lines), lines[0])
	checkCleaned(t, prefix, r.child)
}
