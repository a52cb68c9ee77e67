//go:build linux

package bindings

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/testutil"
	lua "github.com/yuin/gopher-lua"
)

// childrenWith returns the pids of this process's children whose command
// line holds mark.
func childrenWith(t *testing.T, mark string) []string {
	t.Helper()
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	var out []string
	for _, f := range tasks {
		data, _ := os.ReadFile(f)
		for _, pid := range strings.Fields(string(data)) {
			cmd, _ := os.ReadFile("/proc/" + pid + "/cmdline")
			if strings.Contains(string(cmd), mark) {
				out = append(out, pid)
			}
		}
	}
	return out
}

// TestPopenLeftOpenIsClosedWithRuntime: io.popen handles a script leaves
// open are closed when the runtime closes, as lua_close's __gc closes them
// in lua5.1: the write end is flushed and closed, so `cat >file` gets its
// input and exits; the read end is closed, so `yes` dies of SIGPIPE; each
// child is waited for (no zombie), and no pipe stays open (the package's
// leak check counts fds).
func TestPopenLeftOpenIsClosedWithRuntime(t *testing.T) {
	dir := testutil.TempDir(t)
	file := filepath.Join(dir, "out")
	mark := testutil.Name(t, "popen")
	rt, err := New(Options{Stdout: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = rt.Eval(context.Background(), `
		local file, mark = ...
		w = io.popen("cat >" .. file .. "; : " .. mark, "w")
		w:write("hello")
		r = io.popen("yes " .. mark)
		assert(r:read("*l") == mark)
		io.popen(": " .. mark .. "; exit 3")`, "t", lua.LString(file), lua.LString(mark))
	if err != nil {
		t.Fatal(err)
	}
	pids := childrenWith(t, mark)
	if len(pids) != 3 {
		t.Fatalf("want 3 children running, got %v", pids)
	}
	done := make(chan struct{})
	go func() { rt.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("runtime close hangs on a popen handle left open")
	}
	for _, pid := range pids {
		if _, err := os.Stat("/proc/" + pid); err == nil {
			t.Errorf("child %s still exists (zombie or running) after Close", pid)
		}
	}
	got, err := os.ReadFile(file)
	if err != nil || string(got) != "hello" {
		t.Errorf("cat wrote %q, %v; want hello (lua5.1 flushes and closes at exit)", got, err)
	}
}
