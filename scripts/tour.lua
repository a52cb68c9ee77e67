#!/usr/bin/env nsh
-- A tour of the eight Linux namespace types. Each stop starts a command in
-- a fresh namespace of one type and shows what that type isolates, then
-- checks it from the outside. Needs root. Run: go run . scripts/tour.lua

local function sh(opts)
  -- ns.run starts the command and waits for it; capture = true collects
  -- its output (without it, the output goes where the shell's goes).
  opts.capture = true
  local r = ns.run(opts)
  assert(r.code == 0, ("%s exited %s: %s"):format(opts[#opts], tostring(r.code), r.stderr or ""))
  return (r.stdout:gsub("%s+$", ""))
end

local function stop(t, what)
  print(("%-7s %s"):format(t, what))
end

print("nsh " .. nsh.version .. ": the " .. #ns.types .. " namespace types, one at a time")
print()

-- Every process is in one namespace of each type; the shell too.
local mine = ns.self()
local count = 0
for _, t in ipairs(ns.types) do
  assert(mine[t]:type() == t)
  count = count + 1
end
print(("the shell is in one namespace of each of the %d types; each stop below makes a new one"):format(count))
print()

-- uts: hostname and NIS domain name.
local host = sh{"hostname"}
local inside = sh{new = {"uts"}, hostname = "tour-uts", "hostname"}
stop("uts", ("hostname inside %q, outside unchanged: %s"):format(inside, tostring(sh{"hostname"} == host)))

-- ipc: System V IPC objects and POSIX message queues.
local count_queues = "ipcs -q | grep -c '^0x' || true"
local before = sh{"sh", "-c", count_queues}
local queues = sh{new = {"ipc"}, "sh", "-c", "ipcmk -Q >/dev/null && " .. count_queues}
stop("ipc", ("a message queue made inside: %s inside, outside still %s"):format(queues, tostring(sh{"sh", "-c", count_queues} == before and "the same" or "changed!")))

-- pid: process IDs. With mount_proc the child also sees only its own /proc.
-- The shell counts /proc's process directories with a glob: no other process runs.
local pid = sh{new = {"pid", "mnt"}, mount_proc = true, "sh", "-c", "echo $$; set -- /proc/[0-9]*; echo $#"}
local me, procs = pid:match("(%d+)%s+(%d+)")
stop("pid", ("the child is PID %s and sees %s process in /proc: itself"):format(me, procs))

-- mnt: the mount table. A tmpfs mounted inside is gone outside.
local dir = os.tmpname()
os.remove(dir)
assert(os.execute("mkdir " .. dir) == 0)
local mounted = sh{new = {"mnt"}, "sh", "-c", "mount -t tmpfs tour " .. dir .. " && grep -c ' " .. dir .. " ' /proc/self/mountinfo"}
local f = io.open("/proc/self/mountinfo")
local outside = select(2, f:read("*a"):gsub(" " .. dir .. " ", ""))
f:close()
os.remove(dir)
stop("mnt", ("a tmpfs mounted inside: %s mount inside, %d outside"):format(mounted, outside))

-- net: devices, addresses, routes, ports. A new one has only lo, down.
local links = sh{new = {"net"}, "ip", "-br", "link"}
stop("net", "a new network namespace has: " .. links:gsub("%s+", " "))

-- user: user and group IDs. With map_root the child is root inside only.
local uid = sh{new = {"user"}, map_root = true, "id", "-u"}
stop("user", ("id -u inside with map_root: %s"):format(uid))

-- time: CLOCK_MONOTONIC and CLOCK_BOOTTIME offsets, set before entry.
local up = tonumber(sh{"cut", "-d.", "-f1", "/proc/uptime"})
local shifted = tonumber(sh{new = {"time"}, time = {boottime = 86400}, "cut", "-d.", "-f1", "/proc/uptime"})
stop("time", ("boot time shifted by a day: %s"):format(tostring(shifted - up >= 86400 and shifted - up < 86400 + 5)))

-- cgroup: the root of the cgroup hierarchy the process sees.
local cg = sh{new = {"cgroup"}, "cat", "/proc/self/cgroup"}
local rooted = true
for line in cg:gmatch("[^\n]+") do
  rooted = rooted and line:sub(-2) == ":/"
end
stop("cgroup", ("every hierarchy in /proc/self/cgroup inside is at /: %s"):format(tostring(rooted)))

print()
print("each namespace made on the tour ended with the process that held it")
