//go:build linux

package bindings

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/testutil"
	lua "github.com/yuin/gopher-lua"
)

// fdCount counts this process's open descriptors.
func fdCount(tb testing.TB) int {
	tb.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		tb.Fatal(err)
	}
	return len(entries)
}

// withFDCount gives L a global fdcount() reading this process's count.
func withFDCount(tb testing.TB, L *lua.LState) {
	L.SetGlobal("fdcount", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(fdCount(tb)))
		return 1
	}))
}

// TestDroppedHandlesAreReleased drops 10,000 handles without h:close():
// the descriptor count stays flat during the loop (the pressure sweep) and
// returns to its start after collectgarbage().
func TestDroppedHandlesAreReleased(t *testing.T) {
	testutil.RequireRoot(t)
	rt := newTestRuntime(t, nil)
	rt.Do(context.Background(), func(L *lua.LState) error { withFDCount(t, L); return nil })
	before := fdCount(t)
	out, err := rt.Eval(context.Background(), `
		local peak = 0
		for i = 1, 10000 do
			local h = ns.self("net")
			if i % 100 == 0 then peak = math.max(peak, fdcount()) end
		end
		for i = 1, 200 do local set = ns.self() end
		collectgarbage()
		return peak, fdcount()`, "drop")
	if err != nil {
		t.Fatal(err)
	}
	peak, after := int(out[0].(lua.LNumber)), int(out[1].(lua.LNumber))
	t.Logf("fds: before %d, peak during the loop %d, after collectgarbage() %d", before, peak, after)
	if after > before+2 {
		t.Errorf("10,000 dropped handles left %d descriptors open (%d before, %d after)", after-before, before, after)
	}
	if peak > before+600 {
		t.Errorf("descriptors piled up to %d during the loop (%d before): dropped handles wait for the collector", peak, before)
	}
}

// TestCollectGarbageCollectOption checks collectgarbage("collect") releases
// as collectgarbage() does, and returns 0 as Lua 5.1's does.
func TestCollectGarbageCollectOption(t *testing.T) {
	testutil.RequireRoot(t)
	rt := newTestRuntime(t, nil)
	before := fdCount(t)
	out, err := rt.Eval(context.Background(), `
		for i = 1, 100 do local h = ns.self("net") end
		return collectgarbage("collect")`, "collect")
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0] != lua.LNumber(0) {
		t.Errorf("collectgarbage(\"collect\") returned %v, want 0", out)
	}
	if after := fdCount(t); after > before+2 {
		t.Errorf("collectgarbage(\"collect\") left %d descriptors (%d before)", after-before, before)
	}
}

// TestKeptHandlesStayOpen checks a collection does not close a handle the
// script still reaches, in a local, a table or an upvalue.
func TestKeptHandlesStayOpen(t *testing.T) {
	testutil.RequireRoot(t)
	rt := newTestRuntime(t, nil)
	err := rt.DoString(context.Background(), `
		local a = ns.self("net")
		local t = {ns.self("uts")}
		local f = (function() local u = ns.self("ipc"); return function() return u end end)()
		for i = 1, 2000 do local x = ns.self("net") end
		collectgarbage()
		assert(a:type() == "net" and t[1]:type() == "uts" and f():type() == "ipc")
		a:close()`, "kept")
	if err != nil {
		t.Fatal(err)
	}
}

// TestAttachedHandlesAreReleased drops handles in a state nsh was attached
// to, and then the state itself: its handles are released too.
func TestAttachedHandlesAreReleased(t *testing.T) {
	testutil.RequireRoot(t)
	before := fdCount(t)
	L := lua.NewState()
	if err := Attach(L); err != nil {
		t.Fatal(err)
	}
	withFDCount(t, L)
	err := L.DoString(`
		for i = 1, 5000 do local h = ns.self("net") end
		collectgarbage()
		assert(fdcount() <= ` + fmt.Sprint(before+2) + `, "dropped handles still open: " .. fdcount())
		kept = {}
		for i = 1, 50 do kept[i] = ns.self("net") end`)
	if err != nil {
		t.Fatal(err)
	}
	if n := fdCount(t); n < before+50 {
		t.Fatalf("kept handles closed early: %d descriptors, %d before", n, before)
	}
	L.Close()
	L = nil
	waitFDs(t, before+2, "handles of a closed attached state")
}

// waitFDs collects until at most want descriptors are open: the cleanups
// of unreachable handles run on their own goroutine.
func waitFDs(t *testing.T, want int, what string) {
	t.Helper()
	var n int
	for try := 0; try < 50; try++ {
		runtime.GC()
		if n = fdCount(t); n <= want {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("%s: %d descriptors open, want at most %d", what, n, want)
}

// TestNetnsDelClosesOwnHandles checks netns.del closes the shell's handles
// on the namespace, whatever way they were opened, and later use says so.
func TestNetnsDelClosesOwnHandles(t *testing.T) {
	testutil.RequireRoot(t)
	rt := newTestRuntime(t, nil)
	name := testutil.Name(t)
	t.Cleanup(func() { os.Remove("/run/netns/" + name) })
	out, err := rt.Eval(context.Background(), `
		local name = ...
		local a = netns.add(name)
		local b = netns.get(name)
		local c = ns.open("/run/netns/" .. name, "net")
		local other = ns.self("net")
		link.list{ns = a} -- caches a netlink connection on a
		netns.del(name)
		local ok, err = pcall(a.id, a)
		local _, err2 = pcall(link.list, {ns = b})
		return ok, tostring(err), tostring(err2), (pcall(c.type, c)), other:type()`,
		"del", lua.LString(name))
	if err != nil {
		t.Fatal(err)
	}
	if out[0] != lua.LFalse || !strings.Contains(out[1].String(), "handle closed: namespace deleted") {
		t.Errorf("handle use after netns.del: %v %v", out[0], out[1])
	}
	if !strings.Contains(out[2].String(), "handle closed: namespace deleted") {
		t.Errorf("link.list{ns=h} after netns.del: %v", out[2])
	}
	if out[3] != lua.LFalse {
		t.Errorf("a handle opened by path survived netns.del")
	}
	if out[4].String() != "net" {
		t.Errorf("a handle on another namespace was closed: %v", out[4])
	}
}

// liveNetIDs returns the NS_GET_ID of every network namespace something on
// the system still holds (a process, an open file, a mount), as ns.list
// finds them.
func liveNetIDs(tb testing.TB) map[uint64]bool {
	tb.Helper()
	list, err := nsfs.List(nsfs.ListOptions{Types: []nsfs.Type{nsfs.Net}})
	if err != nil {
		tb.Fatal(err)
	}
	out := map[uint64]bool{}
	for _, n := range list {
		out[n.ID] = true
	}
	return out
}

// TestNetnsAddDelLeavesNoNamespace runs netns.add(x); netns.del(x) 1,000
// times, ignoring the handle netns.add returns: while the runtime still
// runs, none of the 1,000 namespaces is alive (ids are never reused, so
// another program's namespaces cannot be mistaken for these).
func TestNetnsAddDelLeavesNoNamespace(t *testing.T) {
	testutil.RequireRoot(t)
	rt := newTestRuntime(t, nil)
	prefix := testutil.Name(t) + "-"
	t.Cleanup(func() {
		for i := 1; i <= 1000; i++ {
			os.Remove(fmt.Sprintf("/run/netns/%s%d", prefix, i))
		}
	})
	before := len(liveNetIDs(t))
	out, err := rt.Eval(context.Background(), `
		local prefix = ...
		local ids = {}
		for i = 1, 1000 do
			ids[i] = netns.add(prefix .. i):id()
			netns.del(prefix .. i)
		end
		return ids`, "loop", lua.LString(prefix))
	if err != nil {
		t.Fatal(err)
	}
	live := liveNetIDs(t)
	alive := 0
	out[0].(*lua.LTable).ForEach(func(_, v lua.LValue) {
		if live[uint64(v.(lua.LNumber))] {
			alive++
		}
	})
	t.Logf("live net namespaces: %d before, %d after (the system's, other programs included); of the 1,000 made and deleted: %d alive", before, len(live), alive)
	if alive != 0 {
		t.Fatalf("%d of 1,000 deleted namespaces are still alive while nsh runs", alive)
	}
}
