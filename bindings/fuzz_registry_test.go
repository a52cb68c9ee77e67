//go:build linux

package bindings

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/testutil"
	"github.com/nsh-lua/nsh/bindings/vocab"
	"github.com/vishvananda/netlink"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// fuzzSkip lists the functions FuzzRegistry never calls, with the reason:
// one whose effect would reach past the sandbox (a new mount, network and
// pid namespace with its own /proc and a read-only file system) or wait
// for input by design. None needs it today: a pid or a /proc path reaches
// only the sandbox's processes, a path only its tmpfs or a read-only file,
// and commands come from the argument list, which names none that waits.
var fuzzSkip = map[string]string{}

// fuzzMoves lists the functions that move the shell thread by design: an
// input calling one is not held to Runtime.Moved() being empty.
var fuzzMoves = []string{"ns.unshare", "ns.setns"}

// fuzzValues are the Lua expressions arguments are drawn from; P is a name
// prefix unique to the run, H an open handle, C a closed one, X the
// scratch directory.
var fuzzValues = []string{
	"nil", "true", "false", "0", "1", "-1", "0.5", "-0.0", "1e308", "-1e308", "2^53", "2^63", "0/0", "1/0", "-1/0", "4294967296",
	`""`, `"\0"`, `P .. "a\0b"`, `string.rep("x", 300)`, `string.rep("y", 70000)`, `"/"`, `"."`, `".."`, `"../x"`,
	`X .. "/f"`, `X`, `"/run/netns/" .. P`, `"/proc/self/ns/net"`, `"/proc/1/ns/mnt"`, `"/etc/passwd"`,
	`P .. "n1"`, `P .. "n2"`, `"lo"`, `"eth0"`, `"net"`, `"mnt"`, `"uts"`, `"user"`, `"pid"`, `"all"`, `"auto"`, `"TERM"`, `"KILL"`,
	`"10.9.0.1/24"`, `"10.9.0.0/24"`, `"fe80::1/64"`, `"default"`, `"NS_GET_PARENT"`, `"net.ipv4.ip_forward"`,
	"{}", "{1, 2, 3}", "CYC", "{net = H}", "{H}", "{C}", "{P .. 'n1'}", "{net = C}",
	"H", "C", "io.stdout", "print", "coroutine.create(print)", "OBJ",
	`{name = P .. "l1", type = "veth", peer = P .. "l2"}`, `{name = P .. "b1", type = "bridge"}`,
	`{"true"}`, `{"sleep", "0"}`, `{"/bin/sh", "-c", "exit 3"}`, `{"true", stdout = "pipe"}`,
	`{"true", new = {"net", "uts"}}`, `{"true", join = H}`, `{hosts = {"a"}, prefix = P}`,
	`{hosts = {"a", "b"}, links = {{"a", "b", ip = {"10.9.1.1/24", "10.9.1.2/24"}}}, prefix = P .. "t"}`,
	`{dst = "10.9.0.0/24", dev = "lo"}`, `{ns = H}`, `{ns = C}`, `{ns = P .. "n1"}`,
}

// fuzzPrelude sets up the values and the call wrapper each input uses.
const fuzzPrelude = `
local P, X = ...
local H = ns.self("net")
local C = ns.self("uts"); C:close()
local CYC = {}; CYC[1] = CYC; CYC.self = CYC
local OBJ = ns.spawn{"true"}
-- A table, not upvalues: gopher-lua v1.1.2 loses an upvalue's update made
-- before a pcall that caught an error (calls ended at 2 after 3 tries).
local S = {calls = 0, errs = {}}
local function try(name, f, ...)
  S.calls = S.calls + 1
  local before = SNAP()
  local ok, e = pcall(f, ...)
  if not ok then
    S.errs[#S.errs + 1] = tostring(e)
    local after = SNAP()
    if after ~= before then error("LEFT: " .. name .. " failed (" .. tostring(e) .. ") and left objects: " .. before .. " -> " .. after, 0) end
  end
end
`

// fuzzTarget is one function or method to call.
type fuzzTarget struct {
	name string // "netns.add", "handle:type"
	expr string // the Lua expression that evaluates to the function
	self string // for a method: the expression of a fitting receiver
}

// fuzzTargets walks the registry: every module function with a Go or Lua
// body, and every method of every class.
func fuzzTargets(t testing.TB, rt *Runtime) []fuzzTarget {
	var out []fuzzTarget
	selfOf := map[string]string{"handle": "H", "process": "OBJ"}
	err := rt.Do(context.Background(), func(L *lua.LState) error {
		for _, m := range rt.Modules() {
			mod, ok := L.GetGlobal(m.Name).(*lua.LTable)
			if !ok {
				return fmt.Errorf("module %s is not a table", m.Name)
			}
			var names []string
			mod.ForEach(func(k, v lua.LValue) {
				if _, ok := v.(*lua.LFunction); ok {
					names = append(names, k.String())
				}
			})
			sort.Strings(names)
			for _, n := range names {
				full := m.Name + "." + n
				if _, skip := fuzzSkip[full]; !skip {
					out = append(out, fuzzTarget{name: full, expr: full})
				}
			}
			for _, c := range m.Classes {
				for _, f := range c.Methods {
					self := selfOf[c.Name]
					if self == "" {
						self = "OBJ" // no fitting receiver at hand: a wrong object
					}
					name := c.Name + ":" + f.Name
					out = append(out, fuzzTarget{name: name, expr: fmt.Sprintf("M[%q]", name), self: self})
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// setMethods gives L a global M: "class:method" → the method function, read
// from the metatables the classes opened with.
func setMethods(L *lua.LState, set []*vocab.Module) {
	m := L.NewTable()
	for _, mod := range set {
		for _, c := range mod.Classes {
			mt, _ := L.GetTypeMetatable(vocab.ClassMeta(mod.Name, c.Name)).(*lua.LTable)
			if mt == nil {
				continue
			}
			methods, _ := mt.RawGetString("__methods").(*lua.LTable)
			for _, f := range c.Methods {
				if methods != nil {
					m.RawSetString(c.Name+":"+f.Name, methods.RawGetString(f.Name))
				}
			}
		}
	}
	L.SetGlobal("M", m)
}

// fuzzProgram turns data into calls: each call takes a target byte, an
// argument count byte and one byte per argument.
func fuzzProgram(targets []fuzzTarget, data []byte) (string, []string) {
	var b strings.Builder
	var called []string
	for i := 0; i+1 < len(data) && len(called) < 12; {
		tg := targets[int(data[i])%len(targets)]
		n := int(data[i+1]) % 5
		i += 2
		var args []string
		if tg.self != "" && n%2 == 0 {
			args = append(args, tg.self)
		}
		for k := 0; k < n && i < len(data); k++ {
			args = append(args, fuzzValues[int(data[i])%len(fuzzValues)])
			i++
		}
		fmt.Fprintf(&b, "try(%s)\n", strings.Join(append([]string{fmt.Sprintf("%q", tg.name), tg.expr}, args...), ", "))
		called = append(called, tg.name)
	}
	return b.String(), called
}

// fuzzBad are the words that must never reach the user.
var fuzzBad = []string{"internal error", "runtime error", "goroutine ", ".go:", "panic", "nil pointer", "index out of range"}

// FuzzRegistry calls every function and method of the registry with
// generated arguments, inside a sandbox (see runContained): no Go panic,
// no internal error, no hang, nothing left behind, and the shell thread
// never moved unless the input called a function that moves it.
func FuzzRegistry(f *testing.F) {
	testutil.RequireRoot(f)
	if !contained() {
		runContained(f, "FuzzRegistry")
		if fuzzing() {
			f.Skip("the fuzzing ran in the sandbox, reported above")
		}
		f.Fuzz(func(*testing.T, []byte) {}) // the inputs ran in the sandbox
		return
	}
	probe, err := New(Options{Stdout: &strings.Builder{}, Stderr: &strings.Builder{}})
	if err != nil {
		f.Fatal(err)
	}
	targets := fuzzTargets(f, probe)
	probe.Close()
	for i := range targets {
		f.Add(fuzzSeed(i, 1))
		f.Add(fuzzSeed(i, 2))
	}
	var total atomic.Int64
	f.Cleanup(func() {
		if n := total.Load(); n > 0 { // 0 in the -fuzz coordinator, which calls nothing
			fmt.Printf("FuzzRegistry: %d calls over %d targets\n", n, len(targets))
		}
	})
	scratch := os.Getenv("NSH_SCRATCH")
	f.Fuzz(func(t *testing.T, data []byte) {
		n := fuzzOne(t, targets, data, scratch)
		if os.Getenv("NSH_FUZZ_DEBUG") != "" {
			prog, _ := fuzzProgram(targets, data)
			t.Logf("%d calls\n%s", n, prog)
		}
		total.Add(int64(n))
	})
}

// fuzzSeed is an input of 12 calls: target i with each argument count,
// then its neighbours, arguments drawn by a fixed linear congruence.
func fuzzSeed(i, k int) []byte {
	var b []byte
	x := uint32(i*7919 + k*104729)
	for c := 0; c < 12; c++ {
		b = append(b, byte(i+c/4*k), byte(c))
		for a := 0; a < c%5; a++ {
			x = x*1664525 + 1013904223
			b = append(b, byte(x>>24))
		}
	}
	return b
}

// fuzzing reports whether go test runs with -fuzz.
func fuzzing() bool {
	fl := flag.Lookup("test.fuzz")
	return fl != nil && fl.Value.String() != ""
}

// fuzzOne runs one input in a fresh runtime and checks what it left.
func fuzzOne(t *testing.T, targets []fuzzTarget, data []byte, scratch string) int {
	prog, called := fuzzProgram(targets, data)
	if len(called) == 0 {
		return 0
	}
	var out strings.Builder
	rt, err := New(Options{Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	prefix := testutil.Name(t)
	rt.Do(context.Background(), func(L *lua.LState) error {
		setMethods(L, rt.Modules())
		L.SetGlobal("SNAP", L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LString(sandboxObjects()))
			return 1
		}))
		return nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan struct{})
	var res []lua.LValue
	var runErr error
	var msgs []string
	go func() {
		defer close(done)
		res, runErr = rt.Eval(ctx, fuzzPrelude+prog+"return S.calls, S.errs", "fuzz", lua.LString(prefix), lua.LString(scratch))
		if runErr == nil && len(res) == 2 {
			rt.Do(context.Background(), func(L *lua.LState) error {
				res[1].(*lua.LTable).ForEach(func(_, v lua.LValue) { msgs = append(msgs, v.String()) })
				return nil
			})
		}
	}()
	select {
	case <-done:
	case <-time.After(40 * time.Second):
		t.Fatalf("hang: the calls did not return in 40 s:\n%s", prog)
	}
	if runErr != nil {
		t.Fatalf("calls raised past pcall: %v\n%s", runErr, prog)
	}
	for _, m := range append(msgs, out.String()) {
		for _, bad := range fuzzBad {
			if strings.Contains(m, bad) {
				t.Fatalf("message with %q: %s\n%s", bad, m, prog)
			}
		}
	}
	if !movesShell(called) {
		if moved := rt.Moved(); len(moved) > 0 {
			t.Fatalf("the shell thread moved to %v:\n%s", moved, prog)
		}
	}
	rt.Close()
	clearSandbox(t)
	return int(res[0].(lua.LNumber))
}

func movesShell(called []string) bool {
	for _, c := range called {
		for _, m := range fuzzMoves {
			if c == m {
				return true
			}
		}
	}
	return false
}

// sandboxObjects names the named namespaces and the links of the calling
// thread's network namespace: a call that fails must leave this unchanged
// (all-or-nothing), and everything here belongs to the running input.
func sandboxObjects() string {
	var names []string
	entries, _ := os.ReadDir("/run/netns")
	for _, e := range entries {
		names = append(names, "netns "+e.Name())
	}
	links, _ := netlink.LinkList()
	for _, l := range links {
		names = append(names, "link "+l.Attrs().Name)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// clearSandbox removes what the input made on purpose (netns.add and
// link.add that succeeded): the next input starts empty.
func clearSandbox(t *testing.T) {
	entries, _ := os.ReadDir("/run/netns")
	for _, e := range entries {
		p := "/run/netns/" + e.Name()
		unix.Unmount(p, unix.MNT_DETACH)
		os.Remove(p)
	}
	links, err := netlink.LinkList()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		if l.Attrs().Name != "lo" {
			netlink.LinkDel(l)
		}
	}
}
