//go:build linux

package bindings

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/testutil"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// vmTID returns the OS thread the runtime's VM runs on.
func vmTID(t *testing.T, rt *Runtime) int {
	var tid int
	if err := rt.Do(context.Background(), func(*lua.LState) error { tid = unix.Gettid(); return nil }); err != nil {
		t.Fatal(err)
	}
	return tid
}

func TestVMThreadIsLockedAndNotMain(t *testing.T) {
	rt := newTestRuntime(t, nil)
	tid := vmTID(t, rt)
	if tid == unix.Getpid() {
		t.Fatal("the VM runs on the main thread")
	}
	for i := 0; i < 100; i++ {
		if got := vmTID(t, rt); got != tid {
			t.Fatalf("VM moved from thread %d to %d", tid, got)
		}
	}
}

func TestVMThreadHasItsOwnFS(t *testing.T) {
	dir := testutil.TempDir(t)
	rt := newTestRuntime(t, nil)
	before, _ := os.Readlink("/proc/self/cwd")
	err := rt.Do(context.Background(), func(*lua.LState) error { return unix.Chdir(dir) })
	if err != nil {
		t.Fatal(err)
	}
	tid := vmTID(t, rt)
	vmCwd, _ := os.Readlink("/proc/self/task/" + itoa(tid) + "/cwd")
	after, _ := os.Readlink("/proc/self/cwd")
	if vmCwd != dir || after != before {
		t.Fatalf("chdir on the VM thread: VM cwd %q, process cwd %q -> %q; want only the VM thread moved", vmCwd, before, after)
	}
}

func TestCloseEndsTheVMThread(t *testing.T) {
	rt, err := New(Options{Stdout: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	tid := vmTID(t, rt)
	rt.Close()
	deadline := time.Now().Add(2 * time.Second)
	for {
		if _, err := os.Stat("/proc/self/task/" + itoa(tid)); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("thread %d still alive after Close", tid)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := rt.DoString(context.Background(), "x = 1", "t"); !errors.Is(err, ErrClosed) {
		t.Fatalf("call after Close = %v, want ErrClosed", err)
	}
	rt.Close() // twice is harmless
}

func TestCancelStopsRunningLua(t *testing.T) {
	rt := newTestRuntime(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := rt.DoString(ctx, "while true do end", "loop")
	if err == nil || time.Since(start) > time.Second {
		t.Fatalf("loop returned %v after %v", err, time.Since(start))
	}
	if err := rt.DoString(context.Background(), "x = 1", "after"); err != nil {
		t.Fatalf("runtime unusable after cancel: %v", err)
	}
}

func TestPrintAndWriteGoToTheWriter(t *testing.T) {
	var out bytes.Buffer
	rt := newTestRuntime(t, &out)
	if err := rt.DoString(context.Background(), `print("a", 1, nil, true) io.write("b", 2, "\n")`, "t"); err != nil {
		t.Fatal(err)
	}
	if out.String() != "a\t1\tnil\ttrue\nb2\n" {
		t.Fatalf("output %q", out.String())
	}
}

func TestOsExit(t *testing.T) {
	rt := newTestRuntime(t, nil)
	for code, src := range map[int]string{3: "os.exit(3)", 0: "os.exit()", 1: "os.exit(false)", 5: "pcall(os.exit, 5) error('not reached')"} {
		err := rt.DoString(context.Background(), src, "t")
		var exit *ExitError
		if !errors.As(err, &exit) || exit.Code != code {
			t.Errorf("%s = %v, want exit %d", src, err, code)
		}
	}
	if err := rt.DoString(context.Background(), "x = 1", "t"); err != nil {
		t.Fatalf("runtime unusable after os.exit: %v", err)
	}
}

func TestLuaErrorCarriesTraceback(t *testing.T) {
	rt := newTestRuntime(t, nil)
	err := rt.DoString(context.Background(), "local function f() error('deep') end\nf()", "chunk")
	var le *LuaError
	if !errors.As(err, &le) || le.Message != "chunk:1: deep" || !strings.Contains(le.Traceback, "chunk:2") {
		t.Fatalf("err = %#v", err)
	}
}

func TestSyntaxErrors(t *testing.T) {
	rt := newTestRuntime(t, nil)
	for code, incomplete := range map[string]bool{"if x then": true, "f(": true, "{": true, "[[": true, "x = = 2": false, "x = 'a": false} {
		err := rt.Check(code)
		var se *SyntaxError
		if !errors.As(err, &se) || se.Incomplete != incomplete {
			t.Errorf("Check(%q) = %v, want incomplete=%v", code, err, incomplete)
		}
	}
	if err := rt.Check("x = 1"); err != nil {
		t.Errorf("Check(x = 1) = %v", err)
	}
}

func TestErrorValue(t *testing.T) {
	rt := newTestRuntime(t, nil)
	err := rt.Do(context.Background(), func(L *lua.LState) error {
		L.SetGlobal("fail", L.NewFunction(func(L *lua.LState) int {
			return vocab.Raise(L, "netns.add", "ns1", unix.EEXIST)
		}))
		L.SetGlobal("deny", L.NewFunction(func(L *lua.LState) int {
			return vocab.Raise(L, "ns.setns", "", unix.EPERM)
		}))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	src := `
		local ok, e = pcall(fail)
		assert(not ok)
		assert(tostring(e) == "netns.add: ns1: file exists", tostring(e))
		assert(e.op == "netns.add" and e.target == "ns1" and e.errno == "EEXIST" and e.hint == nil)
		local _, d = pcall(deny)
		assert(d.errno == "EPERM" and d.hint:find("CAP_SYS_ADMIN"), tostring(d))
		assert(tostring(d) == "ns.setns: operation not permitted (" .. d.hint .. ")")
	`
	if err := rt.DoString(context.Background(), src, "t"); err != nil {
		t.Fatal(err)
	}
	if e := vocab.NewError("x", "y", unix.EEXIST); !errors.Is(e, unix.EEXIST) || e.Errno() != "EEXIST" {
		t.Fatalf("errors.Is/Errno on %v", e)
	}
}

func TestAttachRefusesThreadFunctions(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	if err := Attach(L); err != nil {
		t.Fatal(err)
	}
	f := vocab.Func{Name: "move", Thread: true, Fn: func(*lua.LState) int { t.Error("ran on a foreign state"); return 0 }}
	L.SetGlobal("move", L.NewFunction(vocab.Wrap("ns.move", f, false)))
	err := L.DoString("move()")
	if err == nil || !strings.Contains(Message(L, err), "refused on a Lua state nsh does not own") {
		t.Fatalf("err = %v", err)
	}
	for _, m := range Modules() {
		for _, f := range m.Funcs {
			if !f.Thread {
				continue
			}
			err := L.DoString(m.Name + "." + f.Name + "()")
			if err == nil || !strings.Contains(Message(L, err), "refused") {
				t.Errorf("%s.%s on a foreign state: %v", m.Name, f.Name, err)
			}
		}
	}
	if err := L.DoString(`assert(nsh.repr({1}) == "{ 1 }")`); err != nil {
		t.Fatalf("plain functions must work on a foreign state: %v", err)
	}
}

func TestTrackedObjectsClosedWithRuntime(t *testing.T) {
	rt, err := New(Options{Stdout: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	c := &closer{}
	rt.Do(context.Background(), func(*lua.LState) error { rt.Track(c); return nil })
	rt.Close()
	if c.n != 1 {
		t.Fatalf("closed %d times, want 1", c.n)
	}
}

type closer struct{ n int }

func (c *closer) Close() error { c.n++; return nil }

func itoa(n int) string { return strconv.Itoa(n) }

// TestAttachKeepsHostMetatables checks Attach builds every module at once
// and leaves a metatable the host set on _G in place.
func TestAttachKeepsHostMetatables(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	if err := L.DoString(`setmetatable(_G, {__index = function(_, k) return "host:" .. k end})`); err != nil {
		t.Fatal(err)
	}
	if err := Attach(L); err != nil {
		t.Fatal(err)
	}
	err := L.DoString(`
		assert(undefined_name == "host:undefined_name", "the host's _G metatable is gone")
		for _, m in ipairs({"ns", "netns", "link", "addr", "route", "topo", "nsh", "net"}) do
			assert(rawget(_G, m) ~= nil and package.loaded[m] == rawget(_G, m), m)
		end`)
	if err != nil {
		t.Fatal(err)
	}
}

// TestCloseCancelsARunningScript closes a runtime while another goroutine
// runs an endless script under a context never cancelled: Close returns,
// the script's call returns ErrClosed, and later calls do too.
func TestCloseCancelsARunningScript(t *testing.T) {
	rt, err := New(Options{Stdout: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	ran := make(chan error, 1)
	go func() {
		ran <- rt.Do(context.Background(), func(L *lua.LState) error {
			close(started)
			return L.DoString("while true do end")
		})
	}()
	<-started
	waiting := make(chan error, 1)
	go func() { waiting <- rt.DoString(context.Background(), "x = 1", "queued") }()
	closed := make(chan struct{})
	go func() { rt.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close blocked while a script ran")
	}
	for _, ch := range []chan error{ran, waiting} {
		if err := <-ch; !errors.Is(err, ErrClosed) {
			t.Errorf("call running or waiting at Close returned %v, want ErrClosed", err)
		}
	}
	if err := rt.DoString(context.Background(), "x = 1", "after"); !errors.Is(err, ErrClosed) {
		t.Errorf("call after Close returned %v, want ErrClosed", err)
	}
}
