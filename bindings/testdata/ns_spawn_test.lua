-- Lua-level tests of ns.spawn, ns.run, the process and stream objects,
-- ns.unshare, ns.setns and ns.with. Each test_* runs in a fresh runtime as
-- root; the kernel-level effects of every type are checked in
-- bindings/spawn's Go tests, these check the Lua surface end to end.

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
    local r = ns.run{"readlink", "/proc/self/ns/" .. typ, new = {typ}, map_root = (typ == "user") or nil}
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
    local r = ns.run{"readlink", "/proc/self/ns/" .. typ, join = h}
    if trim(r.stdout) ~= tostring(h) then
      t:fatal(string.format("%s: joined %q, target %s (code %s signal %s: %s)", typ, r.stdout, tostring(h), r.code, tostring(r.signal), tostring(r.stderr)))
    end
    -- the pid form with types, and the {type=handle} form
    r = ns.run{"readlink", "/proc/self/ns/" .. typ, join = target.pid, types = {typ}}
    assert(trim(r.stdout) == tostring(h), typ .. " by pid: " .. tostring(r.stdout) .. tostring(r.stderr))
    r = ns.run{"readlink", "/proc/self/ns/" .. typ, join = {[typ] = h}}
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
  local r = ns.run{"sh", "-c", "echo out; echo err >&2; exit 3"}
  assert(r.code == 3 and r.signal == nil, "code " .. r.code)
  assert(r.stdout == "out\n" and r.stderr == "err\n")
  r = ns.run{"sh", "-c", "kill -KILL $$"}
  assert(r.code == 128 + 9 and r.signal == 9)
  r = ns.run{"echo", "x", stdout = "null"}
  assert(r.stdout == nil)
end

function test_hostname_uts_and_net(t)
  local name = t:name()
  local r = ns.run{"sh", "-c", "hostname; ip -o link | wc -l", new = {"net"}, hostname = name}
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
  local r = ns.run{"sh", "-c", "echo $$; id -u", new = {"user"}, map_root = true, mount_proc = true}
  assert(r.stdout == "1\n0\n", tostring(r.stdout) .. tostring(r.stderr))
  r = ns.run{"cat", "/proc/self/uid_map", new = {"user"}, uid_map = {{0, 100000, 10}}, gid_map = {{0, 100000, 10}}}
  assert(r.stdout:match("^%s*0%s+100000%s+10"), r.stdout)
end

function test_time_offsets(t)
  local r = ns.run{"cat", "/proc/uptime", time = {boottime = 86400 * 10, monotonic = 5}}
  local inside = tonumber(r.stdout:match("^[%d.]+"))
  local outside = tonumber(io.open("/proc/uptime"):read("*a"):match("^[%d.]+"))
  assert(math.abs(inside - outside - 864000) < 10, inside .. " vs " .. outside)
end

function test_bad_input(t)
  local msg = errmsg(t, function() ns.spawn{"true", new = {"nett"}} end)
  has(t, msg, "bad argument #1 to spawn")
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
    local r = ns.run{"readlink", "/proc/self/ns/net"}
    assert(trim(r.stdout) == tostring(now), r.stdout)
    ns.unshare({"pid"})
    r = ns.run{"sh", "-c", "echo $$"}
    assert(r.stdout == "1\n", "pid applies to the next child: " .. r.stdout)
    ns.unshare("mnt", {propagation = "private"})
  end)
  local time0 = tostring(ns.self("time"))
  ns.with({}, function()
    ns.unshare("time")
    -- the first child is the one that makes the new time namespace live
    local first = trim(ns.run{"readlink", "/proc/self/ns/time"}.stdout)
    assert(first:match("^time:%[") and first ~= time0, "time applies to the next child: " .. first)
    -- later ones join it (through the cgo constructor)
    local second = trim(ns.run{"readlink", "/proc/self/ns/time"}.stdout)
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
