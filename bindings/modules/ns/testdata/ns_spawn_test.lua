-- Lua-level tests of ns.spawn, ns.run, the process and stream objects,
-- ns.unshare, ns.setns and ns.with. Each test_* runs in a fresh runtime as
-- root; the kernel-level effects of every type are checked in
-- bindings/core/spawn's Go tests, these check the Lua surface end to end.

local types = {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"}

local function trim(s) return (s:gsub("%s+$", "")) end

-- errmsg runs fn and returns the message of the error it must raise.
local function errmsg(t, fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then t:fatal("expected an error") end
  return tostring(err), err
end

local function has(t, s, part)
  if not s:find(part, 1, true) then t:fatal(string.format("%q does not contain %q", s, part)) end
end

-- live starts a sleeping target in new namespaces and stops it at cleanup.
local function live(t, opts)
  opts[1], opts[2] = "sleep", "60"
  local p = ns.spawn(opts)
  t:cleanup(function() p:kill("KILL"); p:wait() end)
  return p
end

-- children lists the live children of this shell (pids as strings).
local function children()
  local f = io.popen("ppid=$PPID; cat /proc/$ppid/task/*/children")
  local out = {}
  for pid in f:read("*a"):gmatch("%d+") do
    local st = io.open("/proc/" .. pid .. "/stat")
    if st then
      local state = st:read("*a"):match("%) (%a)")
      st:close()
      -- popen's own sh and cat are children too; keep only others
      if state ~= "Z" then out[#out + 1] = pid end
    end
  end
  f:close()
  return out
end

function test_new_each_type(t)
  for _, typ in ipairs(types) do
    local r = ns.run{"readlink", "/proc/self/ns/" .. typ, new = {typ}, map_root = (typ == "user") or nil, capture = true}
    if r.code ~= 0 then t:fatal(typ .. ": " .. tostring(r.stderr)) end
    local outside = ns.self(typ)
    if trim(r.stdout) == tostring(outside) then t:fatal(typ .. ": child is in our namespace") end
    outside:close()
  end
end

function test_join_each_type(t)
  local before = {}
  for _, typ in ipairs(types) do before[typ] = tostring(ns.self(typ)) end
  for _, typ in ipairs(types) do
    local target = live(t, {new = {typ}, map_root = (typ == "user") or nil})
    local h = target:ns(typ)
    local r = ns.run{"readlink", "/proc/self/ns/" .. typ, join = h, capture = true}
    if trim(r.stdout) ~= tostring(h) then
      t:fatal(string.format("%s: joined %q, target %s (code %s signal %s: %s)", typ, r.stdout, tostring(h), r.code, tostring(r.signal), tostring(r.stderr)))
    end
    -- the pid form with types, and the {type=handle} form
    r = ns.run{"readlink", "/proc/self/ns/" .. typ, join = target.pid, types = {typ}, capture = true}
    assert(trim(r.stdout) == tostring(h), typ .. " by pid: " .. tostring(r.stdout) .. tostring(r.stderr))
    r = ns.run{"readlink", "/proc/self/ns/" .. typ, join = {[typ] = h}, capture = true}
    assert(trim(r.stdout) == tostring(h), typ .. " by table")
    h:close()
  end
  -- net, uts, ipc and cgroup joins fork from the shell's own thread, which
  -- enters them for the fork only: it must be back
  for _, typ in ipairs(types) do
    assert(tostring(ns.self(typ)) == before[typ], "the shell thread stayed in another " .. typ)
  end
end

function test_run_result(t)
  local r = ns.run{"sh", "-c", "echo out; echo err >&2; exit 3", capture = true}
  assert(r.code == 3 and r.signal == nil, "code " .. r.code)
  assert(r.stdout == "out\n" and r.stderr == "err\n")
  r = ns.run{"sh", "-c", "kill -KILL $$"}
  assert(r.code == 128 + 9 and r.signal == 9)
  r = ns.run{"echo", "x", stdout = "null"}
  assert(r.stdout == nil)
  -- by default the output is the shell's: nothing is captured
  r = ns.run{"true"}
  assert(r.code == 0 and r.stdout == nil and r.stderr == nil)
  -- stdout = "pipe", written by habit, captures as capture = true does
  r = ns.run{"sh", "-c", "echo out; echo err >&2", stdout = "pipe"}
  assert(r.stdout == "out\n" and r.stderr == nil, tostring(r.stdout))
  -- capture = true with one stream sent elsewhere captures the other
  r = ns.run{"sh", "-c", "echo out; echo err >&2", capture = true, stdout = "null"}
  assert(r.stdout == nil and r.stderr == "err\n")
  r = ns.run{"echo", "x", capture = false}
  assert(r.stdout == nil)
end

function test_hostname_uts_and_net(t)
  local name = t:name()
  local r = ns.run{"sh", "-c", "hostname; ip -o link | wc -l", new = {"net"}, hostname = name, capture = true}
  assert(r.stdout == name .. "\n1\n", r.stdout)
  assert(trim(io.popen("hostname"):read("*a")) ~= name)
end

function test_streams_and_process(t)
  local p = ns.spawn{"cat", stdin = "pipe", stdout = "pipe"}
  assert(type(p.pid) == "number")
  p.stdin:write("one\n", "two\n"):close()
  local lines = {}
  for l in p.stdout:lines() do lines[#lines + 1] = l end
  assert(#lines == 2 and lines[2] == "two")
  assert(p:wait() == 0 and p.code == 0)
  p.stdout:close()
  assert(tostring(p):find("exited"))
end

function test_stdout_file_env_dir(t)
  local dir = t:tempdir()
  local r = ns.run{"sh", "-c", "echo $FOO; pwd", env = {FOO = "bar"}, dir = dir, stdout = dir .. "/out"}
  assert(r.code == 0 and r.stdout == nil)
  local f = io.open(dir .. "/out")
  local text = f:read("*a")
  f:close()
  assert(text == "bar\n" .. dir .. "\n", text)
end

function test_kill_and_ns(t)
  local p = ns.spawn{"sleep", "60", new = {"net"}}
  local all = p:ns()
  local net = p:ns("net")
  assert(all.net == net and all.uts == ns.self("uts"))
  p:kill("TERM")
  assert(p:wait() == 128 + 15 and p.signal == 15)
  local msg, err = errmsg(t, p.ns, p, "net")
  assert(err.errno == "ESRCH", msg)
end

function test_mount_proc_and_map_root(t)
  local r = ns.run{"sh", "-c", "echo $$; id -u", new = {"user"}, map_root = true, mount_proc = true, capture = true}
  assert(r.stdout == "1\n0\n", tostring(r.stdout) .. tostring(r.stderr))
  r = ns.run{"cat", "/proc/self/uid_map", new = {"user"}, uid_map = {{0, 100000, 10}}, gid_map = {{0, 100000, 10}}, capture = true}
  assert(r.stdout:match("^%s*0%s+100000%s+10"), r.stdout)
end

function test_time_offsets(t)
  local r = ns.run{"cat", "/proc/uptime", time = {boottime = 86400 * 10, monotonic = 5}, capture = true}
  local inside = tonumber(r.stdout:match("^[%d.]+"))
  local outside = tonumber(io.open("/proc/uptime"):read("*a"):match("^[%d.]+"))
  assert(math.abs(inside - outside - 864000) < 10, inside .. " vs " .. outside)
end

function test_bad_input(t)
  local msg = errmsg(t, function() ns.spawn{"true", new = {"nett"}} end)
  has(t, msg, "ns.spawn: bad argument #1")
  has(t, msg, "unknown namespace type \"nett\"")
  msg = errmsg(t, ns.spawn, {"true", hostnam = "x"})
  has(t, msg, "unknown option 'hostnam'")
  local h = ns.self("net")
  msg = errmsg(t, ns.spawn, {"true", new = {"net"}, join = h})
  has(t, msg, "join and new both name net")
  local err
  msg, err = errmsg(t, ns.run, {"true", new = {"user"}, uid_map = {{0, 0, 1}, {0, 1, 1}}})
  has(t, msg, "uid_map")
  assert(err.errno == "EINVAL", tostring(err.errno))
  msg = errmsg(t, ns.run, {"true", new = {"user"}, uid_map = {{0, 0}}})
  has(t, msg, "{inside, outside, count}")
  -- a dead target pid
  local p = ns.spawn{"true"}
  p:wait()
  msg, err = errmsg(t, ns.run, {"true", join = p.pid})
  assert(err.errno == "ESRCH", msg)
  msg = errmsg(t, ns.spawn, {})
  has(t, msg, "no command given")
  msg = errmsg(t, ns.spawn, {"true", stdout = "capture"})
  has(t, msg, "bad argument")
  msg = errmsg(t, ns.run, {"true", stdin = "pipe"})
  has(t, msg, "use ns.spawn")
  msg = errmsg(t, ns.spawn, {"true", capture = true})
  has(t, msg, "option 'capture' is for ns.run and netns.exec")
  msg = errmsg(t, ns.clone, function() end, {capture = true})
  has(t, msg, "option 'capture'")
  msg = errmsg(t, ns.spawn, {"true", types = {"net"}})
  has(t, msg, "option 'types'")
  msg = errmsg(t, ns.spawn, {"true", join = h, types = {"net"}})
  has(t, msg, "option 'join': types picks")
  -- a string is a netns name, as every namespace argument takes
  msg = errmsg(t, ns.spawn, {"true", join = "net"})
  has(t, msg, "ns.spawn: netns net: no such network namespace")
  msg = errmsg(t, ns.spawn, {"true", join = {net = ns.self("uts")}})
  has(t, msg, "entry net is a uts namespace")
  if #children() > 2 then t:fatal("children left: " .. table.concat(children(), " ")) end
  h:close()
end

function test_unshare_user_and_time_refused(t)
  ns.with({}, function()
    local msg = errmsg(t, ns.unshare, "user")
    has(t, msg, "ns.spawn")
    local p = live(t, {new = {"user"}, map_root = true})
    msg = errmsg(t, ns.setns, p:ns("user"))
    has(t, msg, "user namespace")
    local q = live(t, {new = {"time"}})
    msg = errmsg(t, ns.setns, q:ns("time"))
    has(t, msg, "ns.spawn{join=")
  end)
end

function test_unshare_moves_the_shell_and_its_children(t)
  local net, uts = ns.self("net"), ns.self("uts")
  ns.with({}, function()
    ns.unshare("net", "uts")
    local now = ns.self("net")
    assert(now ~= net and ns.self("uts") ~= uts)
    -- children start from the shell's current namespaces
    local r = ns.run{"readlink", "/proc/self/ns/net", capture = true}
    assert(trim(r.stdout) == tostring(now), r.stdout)
    ns.unshare({"pid"})
    r = ns.run{"sh", "-c", "echo $$", capture = true}
    assert(r.stdout == "1\n", "pid applies to the next child: " .. r.stdout)
    ns.unshare("mnt", {propagation = "private"})
  end)
  local time0 = tostring(ns.self("time"))
  ns.with({}, function()
    ns.unshare("time")
    -- the first child is the one that makes the new time namespace live
    local first = trim(ns.run{"readlink", "/proc/self/ns/time", capture = true}.stdout)
    assert(first:match("^time:%[") and first ~= time0, "time applies to the next child: " .. first)
    -- later ones join it (through the cgo constructor)
    local second = trim(ns.run{"readlink", "/proc/self/ns/time", capture = true}.stdout)
    assert(second == first, second .. " vs " .. first)
  end)
  assert(ns.self("net") == net and ns.self("uts") == uts, "ns.with scope leaked")
end

function test_setns_forms(t)
  local p = live(t, {new = {"net", "uts"}, hostname = t:name()})
  local net = ns.self("net")
  ns.with({}, function()
    ns.setns(p.pid, {"uts"})
    assert(ns.self("uts") == p:ns("uts") and ns.self("net") == net)
    ns.setns({p:ns("net")})
    assert(ns.self("net") == p:ns("net"))
  end)
  ns.with({}, function()
    ns.setns(p.pid) -- every type that differs
    assert(ns.self("net") == p:ns("net") and ns.self("uts") == p:ns("uts"))
  end)
  assert(ns.self("net") == net)
end

function test_with_nesting_results_errors(t)
  local a = live(t, {new = {"net"}})
  local b = live(t, {new = {"uts"}, hostname = t:name()})
  local net, uts = ns.self("net"), ns.self("uts")
  local x, y = ns.with(a:ns("net"), function(p, q)
    return ns.with({uts = b:ns("uts")}, function()
      assert(ns.self("net") == a:ns("net"), "inner with lost the outer net")
      assert(ns.self("uts") == b:ns("uts"))
      return p + 1, q .. "!"
    end)
  end, 1, "hi")
  assert(x == 2 and y == "hi!")
  assert(ns.self("net") == net and ns.self("uts") == uts)
  local obj = {code = 7}
  local ok, err = pcall(ns.with, a.pid, function() error(obj) end)
  assert(not ok and err == obj, "the raised value must come back unchanged")
  ok, err = pcall(ns.with, a.pid, function() error("boom") end)
  assert(not ok and tostring(err):find("boom"))
  assert(ns.self("net") == net)
end

-- New mnt and uts namespaces are made on the shell's own thread for the
-- fork only: the shell is back in its namespaces and working directory,
-- and a mount made inside (default propagation: private) stays inside.
function test_new_mnt_uts_from_shell_thread(t)
  local mnt, uts = tostring(ns.self("mnt")), tostring(ns.self("uts"))
  local pwd = io.popen("pwd"):read("*l")
  local dir = t:tempdir()
  local p = ns.spawn{"sh", "-c", "mount -t tmpfs " .. t:prefix() .. " " .. dir .. " && echo mounted && exec sleep 60",
    new = {"mnt"}, hostname = t:name(), stdout = "pipe"}
  t:cleanup(function() p:kill("KILL"); p:wait(); p.stdout:close() end)
  assert(p.stdout:read() == "mounted")
  assert(tostring(ns.self("mnt")) == mnt and tostring(ns.self("uts")) == uts, "shell thread not back")
  assert(io.popen("pwd"):read("*l") == pwd, "working directory changed")
  local f = io.open("/proc/self/mountinfo")
  local mi = f:read("*a")
  f:close()
  assert(not mi:find(dir, 1, true), "a mount made in the child's namespace shows in the shell's")
  local g = io.open("/proc/" .. p.pid .. "/mountinfo")
  local cmi = g:read("*a")
  g:close()
  assert(cmi:find(dir, 1, true), "the child's mountinfo lacks its mount")
  -- private by default: no mount is shared; "shared": every one is
  local r = ns.run{"grep", "-c", "shared:", "/proc/self/mountinfo", new = {"mnt"}, capture = true}
  assert(r.stdout == "0\n", "private by default: " .. r.stdout)
  r = ns.run{"grep", "-vc", "shared:", "/proc/self/mountinfo", new = {"mnt"}, propagation = "shared", capture = true}
  assert(r.stdout == "0\n", "shared: " .. r.stdout .. " mounts not shared")
end

-- A shell killed with SIGKILL leaves no children behind (kill_on_exit is
-- the default): the "shell" is an ns.clone child running a real runtime.
function test_killed_shell_leaves_no_orphans(t)
  local shell = ns.clone(function()
    local q = ns.spawn{"sleep", "60", new = {"net"}}
    local kids = {
      ns.spawn{"sleep", "60"},                                   -- from the shell thread
      ns.spawn{"sleep", "60", new = {"mnt"}, hostname = "x"},    -- shell thread, unshared for the fork
      ns.spawn{"sleep", "60", join = q:ns("net")},               -- shell thread, joined for the fork (and a gopher-lua quirk)
      ns.spawn{"sleep", "60", join = q.pid, types = {"pid"}},    -- joined pid namespace (re-executed)
      ns.spawn{"sleep", "60", mount_proc = true},                -- re-executed
      ns.spawn{"sleep", "60", time = {boottime = 5}},            -- spawner thread
      q,
    }
    local pids = {}
    for _, k in ipairs(kids) do pids[#pids + 1] = k.pid end
    print(table.concat(pids, " "))
    ns.run{"sleep", "60"}
  end, {stdout = "pipe"})
  local line = shell.stdout:read()
  shell:kill("KILL")
  shell:wait()
  shell.stdout:close()
  local pids = {}
  for pid in (line or ""):gmatch("%d+") do pids[#pids + 1] = pid end
  assert(#pids == 7, "shell printed: " .. tostring(line))
  local function alive(pid)
    local f = io.open("/proc/" .. pid .. "/stat")
    if not f then return false end
    local s = f:read("*a")
    f:close()
    return not s:find(") Z", 1, true)
  end
  for _ = 1, 250 do
    local left = {}
    for _, pid in ipairs(pids) do if alive(pid) then left[#left + 1] = pid end end
    if #left == 0 then return end
    ns.run{"sleep", "0.02"}
    if _ == 250 then
      os.execute("kill -9 " .. table.concat(left, " "))
      t:fatal("children outlived the killed shell: " .. table.concat(left, " "))
    end
  end
end

-- ns.setns and ns.with by pid into a process in its own user namespace:
-- the user namespace is left out by default, refused when asked for.
function test_thread_pid_target_skips_user(t)
  local p = live(t, {new = {"user", "net", "uts"}, map_root = true, hostname = t:name()})
  local user = ns.self("user")
  local name = ns.with(p.pid, function()
    assert(ns.self("user") == user)
    return io.popen("hostname"):read("*l")
  end)
  assert(name ~= nil)
  local ok, err = pcall(ns.with, p.pid, function() end, nil)
  assert(ok, tostring(err))
  local msg = errmsg(t, ns.setns, p.pid, {"user"})
  has(t, msg, "user namespace")
end
