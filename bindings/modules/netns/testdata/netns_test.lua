-- Tests of the netns module and net.sysctl against the real kernel, with
-- iproute2 as the cross-check. Every name comes from t:name() (it carries
-- the run's prefix) and is removed by a cleanup.

-- sh runs a shell command and returns its output and exit status.
local function sh(cmd)
  local f = assert(io.popen(cmd .. " 2>&1; echo \"rc=$?\""))
  local out = f:read("*a")
  f:close()
  local body, rc = out:match("^(.-)rc=(%d+)\n$")
  return body, tonumber(rc)
end

-- must runs a shell command that has to succeed and returns its output.
local function must(t, cmd)
  local out, rc = sh(cmd)
  if rc ~= 0 then t:fatal(cmd .. ": exit " .. rc .. ": " .. out) end
  return out
end

local function ip_names(t)
  local names = {}
  for line in must(t, "ip netns list"):gmatch("[^\n]+") do
    local name, rest = line:match("^(%S+)%s*(.*)$")
    names[name] = rest
  end
  return names
end

local function listed(name)
  for _, e in ipairs(netns.list()) do
    if e.name == name then return e end
  end
end

local function mounts_with(s)
  local n = 0
  for line in io.lines("/proc/self/mountinfo") do
    if line:find(s, 1, true) then n = n + 1 end
  end
  return n
end

-- named makes a name that the test's cleanup removes however it ends.
local function named(t)
  local name = t:name()
  t:cleanup(function()
    pcall(netns.del, name)
  end)
  return name
end

function test_add_seen_by_ip(t)
  local name = named(t)
  local h = netns.add(name)
  if h:type() ~= "net" then t:fatal("add returned " .. tostring(h)) end
  h:close()
  if not ip_names(t)[name] then t:fatal("ip netns list does not show " .. name) end
  local links = must(t, "ip netns exec " .. name .. " ip -o link")
  local _, count = links:gsub("\n", "")
  if count ~= 1 or not links:find("^1: lo:") then
    t:fatal("ip netns exec ip link: want only lo, got:\n" .. links)
  end
  must(t, "ip netns del " .. name)
  if listed(name) then t:fatal("netns.list still shows " .. name) end
  if mounts_with(name) ~= 0 then t:fatal("mount entries left for " .. name) end
end

function test_ip_add_seen_by_list(t)
  local name = named(t)
  must(t, "ip netns add " .. name)
  if not listed(name) then t:fatal("netns.list does not show " .. name) end
  netns.del(name)
  if ip_names(t)[name] then t:fatal("ip netns list still shows " .. name) end
  if mounts_with(name) ~= 0 then t:fatal("mount entries left for " .. name) end
end

function test_shell_thread_unmoved(t)
  local before = ns.self("net")
  local name = named(t)
  local h = netns.add(name)
  local after = ns.self("net")
  if before ~= after then t:fatal("the shell's thread moved to " .. tostring(after)) end
  if h == after then t:fatal("new namespace is the shell's") end
  before:close(); after:close(); h:close()
end

function test_ids_match_ip(t)
  local a, b = named(t), named(t)
  netns.add(a):close()
  must(t, "ip netns add " .. b)
  if listed(a).id ~= nil then t:fatal("fresh namespace has an id") end
  local id = netns.set_id(a, "auto")
  must(t, "ip netns set " .. b .. " auto")
  local ip = ip_names(t)
  if ip[a] ~= "(id: " .. id .. ")" then t:fatal(a .. ": ip says " .. ip[a] .. ", set_id " .. id) end
  local eb = listed(b)
  if ip[b] ~= "(id: " .. tostring(eb.id) .. ")" then
    t:fatal(b .. ": ip says " .. ip[b] .. ", netns.list " .. tostring(eb.id))
  end
  local ok, err = pcall(netns.set_id, a, -3)
  if ok or not tostring(err):find("bad argument #2 (", 1, true) then t:fatal(tostring(err)) end
end

function test_identify_and_pids(t)
  local name = named(t)
  netns.add(name):close()
  local pid = tonumber(must(t, "ip netns exec " .. name .. " sleep 30 >/dev/null 2>&1 & echo $!"))
  t:cleanup(function() sh("kill " .. pid) end)
  local pids
  for _ = 1, 200 do
    pids = netns.pids(name)
    if #pids > 0 then break end
    sh("sleep 0.01")
  end
  if #pids ~= 1 or pids[1] ~= pid then t:fatal("pids: want {" .. pid .. "}, got {" .. table.concat(pids, ",") .. "}") end
  if must(t, "ip netns pids " .. name) ~= pid .. "\n" then t:fatal("ip netns pids disagrees") end
  local names = netns.identify(pid)
  if #names ~= 1 or names[1] ~= name then t:fatal("identify: " .. table.concat(names, ",")) end
  if must(t, "ip netns identify " .. pid) ~= name .. "\n" then t:fatal("ip netns identify disagrees") end
  for _, n in ipairs(netns.identify()) do
    if n == name then t:fatal("the shell is not in " .. name) end
  end
end

function test_errors(t)
  local name = named(t)
  netns.add(name):close()
  local ok, err = pcall(netns.add, name)
  if ok then t:fatal("second add succeeded") end
  if tostring(err) ~= "netns.add: " .. name .. ": file exists" then t:fatal(tostring(err)) end
  if err.errno ~= "EEXIST" or err.op ~= "netns.add" or err.target ~= name then
    t:fatal("fields: " .. tostring(err.errno) .. " " .. tostring(err.op) .. " " .. tostring(err.target))
  end
  local missing = t:name()
  ok, err = pcall(netns.del, missing)
  if ok or err.errno ~= "ENOENT" then t:fatal("del of a missing name: " .. tostring(err)) end
  if tostring(err) ~= "netns.del: " .. missing .. ": no such network namespace" then t:fatal(tostring(err)) end
  for _, f in ipairs({"get", "pids", "exec"}) do
    ok, err = pcall(netns[f], missing, "true")
    if ok or err.errno ~= "ENOENT" or tostring(err) ~= "netns." .. f .. ": " .. missing .. ": no such network namespace" then
      t:fatal(f .. " of a missing name: " .. tostring(err))
    end
  end
  ok, err = pcall(netns.del)
  if ok or not tostring(err):find("bad argument #1 (", 1, true) then t:fatal("del(): " .. tostring(err)) end
end

function test_bad_names_touch_nothing(t)
  local dir = t:tempdir()
  local decoy = dir .. "/decoy"
  local f = assert(io.open(decoy, "w")); f:write("keep"); f:close()
  local bad = { "", ".", "..", "../.." .. decoy, "a/b", "../../etc", string.rep("x", 256) }
  for _, name in ipairs(bad) do
    for _, fn in ipairs({ "add", "del", "get", "pids", "set_id" }) do
      local ok, err = pcall(netns[fn], name, 1)
      if ok or not tostring(err):find("invalid netns name", 1, true) then
        t:fatal(fn .. "(" .. name .. "): " .. tostring(err))
      end
    end
  end
  local g = assert(io.open(decoy)); local data = g:read("*a"); g:close()
  if data ~= "keep" then t:fatal("decoy touched") end
  -- what the bad names would reach as paths is intact (comparing all of
  -- /run/netns would race with other tests)
  for _, p in ipairs({ "/etc/hosts", "/run/netns/.", "/run/." }) do
    if not io.open(p) then t:fatal(p .. " is gone") end
  end
  if io.open("/run/netns/a") then t:fatal("/run/netns/a was created") end
end

function test_del_all_prefix(t)
  local base, other = named(t), named(t)
  t:cleanup(function() pcall(netns.del, base .. "-a"); pcall(netns.del, base .. "-b") end)
  netns.add(base .. "-a"):close()
  netns.add(base .. "-b"):close()
  netns.add(other):close()
  local gone = netns.del_all(base)
  table.sort(gone)
  if table.concat(gone, " ") ~= base .. "-a " .. base .. "-b" then t:fatal("del_all: " .. table.concat(gone, " ")) end
  if not listed(other) then t:fatal("del_all removed " .. other) end
  if listed(base .. "-a") then t:fatal("del_all left " .. base .. "-a") end
end

local FWD = "net.ipv4.ip_forward"

function test_sysctl_isolated(t)
  local a, b = named(t), named(t)
  netns.add(a):close()
  local hb = netns.add(b)
  local host = net.sysctl(FWD)
  if net.sysctl(FWD, true, { ns = a }) ~= "0" then t:fatal("old value of a new namespace is not 0") end
  if must(t, "ip netns exec " .. a .. " sysctl -n " .. FWD) ~= "1\n" then t:fatal("ip netns exec sees no write") end
  if must(t, "ip netns exec " .. b .. " sysctl -n " .. FWD) ~= "0\n" then t:fatal("write leaked into " .. b) end
  if net.sysctl(FWD) ~= host then t:fatal("write leaked to the host") end
  -- the other direction, and the handle form of ns=
  local default = net.sysctl("net.core.somaxconn", { ns = a })
  must(t, "ip netns exec " .. b .. " sysctl -q -w net.core.somaxconn=1234")
  if net.sysctl("net/core/somaxconn", { ns = hb }) ~= "1234" then t:fatal("handle read") end
  if net.sysctl("net.core.somaxconn", { ns = a }) ~= default then t:fatal("a sees b's write") end
  hb:close()
end

function test_sysctl_errors(t)
  local a = named(t)
  netns.add(a):close()
  local ok, err = pcall(net.sysctl, "kernel.hostname")
  if ok or not tostring(err):find("bad argument #1 (", 1, true) then t:fatal(tostring(err)) end
  ok, err = pcall(net.sysctl, "net/../kernel/hostname", "x")
  if ok or not tostring(err):find("bad argument #1", 1, true) then t:fatal(tostring(err)) end
  ok, err = pcall(net.sysctl, "net.ipv4.nope", { ns = a })
  if ok or err.errno ~= "ENOENT" or not tostring(err):find("in netns " .. a, 1, true) then t:fatal(tostring(err)) end
  ok, err = pcall(net.sysctl, FWD, "banana", { ns = a })
  if ok or err.errno ~= "EINVAL" then t:fatal(tostring(err)) end
  ok, err = pcall(net.sysctl, FWD, { ns = t:name() })
  if ok or err.errno ~= "ENOENT" then t:fatal("missing netns: " .. tostring(err)) end
  ok, err = pcall(net.sysctl, FWD, { nss = a })
  if ok or not tostring(err):find("unknown option 'nss'", 1, true) then t:fatal(tostring(err)) end
  -- A table is no value: taking it as the options would have read the
  -- shell's own namespace and ignored ns=.
  ok, err = pcall(net.sysctl, FWD, {}, { ns = a })
  if ok or not tostring(err):find("bad argument #2", 1, true) then t:fatal("table value: " .. tostring(err)) end
end

-- etc_file writes /etc/netns/NAME/FILE; the cleanup removes what it made.
local function etc_file(t, name, file, content)
  local _, had_root = sh("test -d /etc/netns")
  must(t, "mkdir -p /etc/netns/" .. name)
  t:cleanup(function()
    sh("rm -rf /etc/netns/" .. name)
    if had_root ~= 0 then sh("rmdir /etc/netns") end -- only when empty
  end)
  local f = assert(io.open("/etc/netns/" .. name .. "/" .. file, "w"))
  f:write(content)
  f:close()
end

function test_exec_like_ip(t)
  local name = named(t)
  netns.add(name):close()
  local content = "10.9.8.7 only-in-" .. name .. "\n"
  etc_file(t, name, "hosts", content)
  must(t, "ip -n " .. name .. " link add v0 type veth peer name v1")
  local r = netns.exec(name, {"cat", "/etc/hosts", capture = true})
  if r.code ~= 0 or r.stdout ~= content then t:fatal("/etc/hosts inside: " .. tostring(r.stdout)) end
  if must(t, "ip netns exec " .. name .. " cat /etc/hosts") ~= content then t:fatal("ip netns exec disagrees") end
  r = netns.exec(name, { "ls", "/sys/class/net", capture = true })
  if r.stdout ~= "lo\nv0\nv1\n" then t:fatal("/sys/class/net inside: " .. r.stdout) end
  if must(t, "ip netns exec " .. name .. " ls /sys/class/net") ~= r.stdout then t:fatal("ip netns exec lists other links") end
  local host = io.open("/etc/hosts"):read("*a")
  if host:find("only-in-" .. name, 1, true) then t:fatal("the host's /etc/hosts changed") end
  r = netns.exec(name, { "sh", "-c", "echo out; echo err >&2; exit 3", capture = true })
  if r.code ~= 3 or r.stdout ~= "out\n" or r.stderr ~= "err\n" then t:fatal("exit/streams: " .. r.code) end
  -- without capture the output is the shell's, as with ip netns exec
  r = netns.exec(name, "sh", "-c", "exit 4")
  if r.code ~= 4 or r.stdout ~= nil or r.stderr ~= nil then t:fatal("inherited: " .. r.code) end
end

function test_exec_errors(t)
  local missing = t:name()
  local ok, err = pcall(netns.exec, missing, "true")
  if ok or err.errno ~= "ENOENT" or err.op ~= "netns.exec" then t:fatal(tostring(err)) end
  ok, err = pcall(netns.exec, "../x", "true")
  if ok or not tostring(err):find("invalid netns name", 1, true) then t:fatal(tostring(err)) end
  local name = named(t)
  netns.add(name):close()
  ok, err = pcall(netns.exec, name)
  if ok or not tostring(err):find("no command", 1, true) then t:fatal(tostring(err)) end
  ok, err = pcall(netns.exec, name, { "true", propagation = "shared" })
  if ok or not tostring(err):find("bad argument #2", 1, true) or not tostring(err):find("propagation", 1, true) then t:fatal(tostring(err)) end
  ok, err = pcall(netns.exec, name, { "true", new = { "net" } })
  if ok or not tostring(err):find("new net", 1, true) then t:fatal(tostring(err)) end
  -- the whole command line as one string: say how to split it
  ok, err = pcall(netns.exec, name, "ip a")
  if ok or err.errno ~= "ENOENT" or not tostring(err.hint):find('separate strings: "ip", "a"', 1, true) then t:fatal(tostring(err)) end
end

function test_with(t)
  local name = named(t)
  local h = netns.add(name)
  local before = ns.self("net")
  local inode, sum = netns.with(name, function(a, b)
    local me = ns.self("net")
    local i = me:inode()
    me:close()
    return i, a + b
  end, 1, 2)
  if inode ~= h:inode() or sum ~= 3 then t:fatal("with: " .. tostring(inode) .. " " .. tostring(sum)) end
  local ok, err = pcall(netns.with, name, function() error("boom") end)
  if ok or not tostring(err):find("boom", 1, true) then t:fatal("error from fn: " .. tostring(err)) end
  local after = ns.self("net")
  if after ~= before then t:fatal("the shell moved") end
  ok, err = pcall(netns.with, t:name(), function() end)
  if ok or err.errno ~= "ENOENT" then t:fatal("missing: " .. tostring(err)) end
  h:close(); before:close(); after:close()
end
