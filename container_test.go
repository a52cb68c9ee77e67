//go:build linux

package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

// joinScript joins the container with ns.run, ns.spawn and ns.enter, in
// the pid, {type=handle} and list forms, with kill_on_exit on and off, and
// runs a command from inside ns.with(pid).
const joinScript = `
local pid, want, extra = %d, %q, %s
local types = {"mnt", "uts", "net", "ipc", "pid"}
for _, t in ipairs(extra) do types[#types + 1] = t end
local function check(r, what)
  assert(r.code == 0, what .. ": exit " .. r.code .. ": " .. tostring(r.stderr))
  local host, comm = r.stdout:match("^(%%S+)\n(%%S*)")
  assert(host == want, what .. ": hostname " .. tostring(r.stdout))
  assert(comm == "cat", what .. ": /proc/self/comm " .. tostring(r.stdout))
end
local script = "hostname; cat /proc/self/comm"
local function run(join, koe, what)
  check(ns.run{"sh", "-c", script, join = join, kill_on_exit = koe, capture = true}, what)
end
for _, koe in ipairs{true, false} do
  local what = " kill_on_exit=" .. tostring(koe)
  run(pid, koe, "ns.run pid" .. what)
  local hs, list = {}, {}
  for _, t in ipairs(types) do hs[t] = ns.open(pid, t); list[#list + 1] = hs[t] end
  run(hs, koe, "ns.run {type=handle}" .. what)
  run(list, koe, "ns.run list" .. what)
  local p = ns.spawn{"sh", "-c", script, join = pid, kill_on_exit = koe, stdout = "pipe"}
  local out = p.stdout:read("*a")
  assert(p:wait() == 0, "ns.spawn" .. what)
  check({code = 0, stdout = out}, "ns.spawn" .. what)
  for _, h in ipairs(list) do h:close() end
end
ns.with(pid, function()
  check(ns.run{"sh", "-c", script, capture = true}, "ns.run inside ns.with(pid)")
  check(ns.run{"sh", "-c", script, kill_on_exit = false, capture = true}, "ns.run inside ns.with(pid), kill_on_exit=false")
end)
io.stdout:flush()
print((ns.enter(pid, "hostname")))
`

// TestJoinContainerCLI joins busybox containers (no dynamic loader, no
// nsh in their root) from the nsh binary with every Lua join form.
func TestJoinContainerCLI(t *testing.T) {
	testutil.RequireRoot(t)
	for _, style := range []testutil.ContainerStyle{testutil.PivotRoot, testutil.Chroot, testutil.UserPivotRoot} {
		t.Run(string(style), func(t *testing.T) {
			c := testutil.StartContainer(t, style)
			extra := "{}"
			if style == testutil.UserPivotRoot {
				extra = `{"user"}`
			}
			r := nsh(t, "", "-e", fmt.Sprintf(joinScript, c.Pid, c.Hostname, extra))
			if r.code != 0 || strings.Contains(r.stderr, "fork/exec") {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
			}
			if r.stdout != c.Hostname+"\n0\n" {
				t.Fatalf("ns.enter printed %q, want %q", r.stdout, c.Hostname+"\n0\n")
			}
		})
	}
}
