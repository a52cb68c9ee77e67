//go:build linux

package bindings

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"github.com/nsh-lua/nsh/bindings/testutil"
	lua "github.com/yuin/gopher-lua"
)

// soakFigures are what must return to their start after a soak. mounts
// and ownNetns count only this process's own: mounts whose path carries
// the run's prefix, and the net namespaces its threads are in or its
// descriptors hold (other programs on the machine make their own at the
// same time); netns is every live one on the system, for the record.
type soakFigures struct{ fds, threads, rssKB, mounts, ownNetns, netns int }

func soakMeasure(tb testing.TB) soakFigures {
	var f soakFigures
	f.fds = fdCount(tb)
	tasks, _ := os.ReadDir("/proc/self/task")
	f.threads = len(tasks)
	status, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			f.rssKB, _ = strconv.Atoi(strings.Fields(l)[1])
		}
	}
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	for _, l := range strings.Split(string(mi), "\n") {
		if strings.Contains(l, testutil.Prefix) {
			f.mounts++
		}
	}
	f.ownNetns = len(ownNetns())
	f.netns = len(liveNetIDs(tb))
	return f
}

// ownNetns lists the net namespaces this process's threads are in or its
// descriptors hold.
func ownNetns() map[string]bool {
	out := map[string]bool{}
	tasks, _ := os.ReadDir("/proc/self/task")
	for _, t := range tasks {
		if l, err := os.Readlink("/proc/self/task/" + t.Name() + "/ns/net"); err == nil {
			out[l] = true
		}
	}
	fds, _ := os.ReadDir("/proc/self/fd")
	for _, fd := range fds {
		if l, err := os.Readlink("/proc/self/fd/" + fd.Name()); err == nil && strings.HasPrefix(l, "net:[") {
			out[l] = true
		}
	}
	return out
}

// soakScript runs N rounds of the operations, each round ten of them.
const soakScript = `
local prefix, rounds = ...
for i = 1, rounds do
  local h = ns.self("net")                                  -- 1: dropped without close
  local s = ns.self()                                       -- 2: a set, dropped
  local ok = pcall(ns.with, h, function() if i % 3 == 0 then error("third") end end) -- 3
  assert(ok == (i % 3 ~= 0))
  local p = ns.spawn{"true"}; p:wait()                      -- 4
  local name = prefix .. (i % 7)
  local n = netns.add(name)                                 -- 5
  link.add{name = "s0", type = "bridge", ns = n}            -- 6
  link.del("s0", {ns = n})                                  -- 7
  netns.del(name)                                           -- 8
  if i % 25 == 0 then
    local lab = topo.up{prefix = prefix .. "t", hosts = {"a", "b"}, links = {{"a", "b"}}} -- 9
    lab:down()                                              -- 10
  end
end
collectgarbage()`

// TestSoak runs the soak's quick form (60 rounds, 600 operations); NSH_SOAK=1 runs the
// long form, 1,000 rounds of ten operations (10,000). Figures before and
// after are printed; they must return to their start.
func TestSoak(t *testing.T) {
	testutil.RequireRoot(t)
	rounds := 60
	if os.Getenv("NSH_SOAK") != "" {
		rounds = 1000
	}
	prefix := testutil.Name(t) + "s"
	rt := newTestRuntime(t, nil)
	warm := "local p = ns.spawn{'true'}; p:wait(); collectgarbage()"
	if err := rt.DoString(context.Background(), warm, "warm"); err != nil {
		t.Fatal(err)
	}
	before := soakMeasure(t)
	_, err := rt.Eval(context.Background(), soakScript, "soak", lua.LString(prefix), lua.LNumber(rounds))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * osthread.WorkerIdle) // kept workers end when idle, closing what they hold
	after := soakMeasure(t)
	t.Logf("soak, %d operations: fds %d -> %d, threads %d -> %d, RSS %d -> %d kB, mounts of the run %d -> %d, "+
		"net namespaces the process holds %d -> %d (live on the system: %d -> %d)",
		rounds*10, before.fds, after.fds, before.threads, after.threads, before.rssKB, after.rssKB,
		before.mounts, after.mounts, before.ownNetns, after.ownNetns, before.netns, after.netns)
	if after.fds > before.fds || after.mounts > before.mounts {
		t.Errorf("fds or mounts grew")
	}
	if after.threads > before.threads+4 {
		t.Errorf("threads grew by %d", after.threads-before.threads)
	}
	if after.rssKB > before.rssKB+16*1024 {
		t.Errorf("RSS grew by %d kB", after.rssKB-before.rssKB)
	}
	if after.ownNetns > before.ownNetns {
		t.Errorf("net namespaces the process holds grew by %d", after.ownNetns-before.ownNetns)
	}
}
