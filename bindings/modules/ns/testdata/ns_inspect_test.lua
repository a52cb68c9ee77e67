-- Lua-level tests of ns.self/of/open/ioctl/list/tree/pin/unpin and the
-- handle methods. Each test_* function runs in a fresh runtime as root.

-- sh runs a shell command and returns its first output line.
local function sh(cmd)
  local f = assert(io.popen(cmd))
  local line = f:read("*l")
  f:close()
  return line
end

-- shell_pid is the pid of this nsh process (the parent of popen's sh).
local function shell_pid()
  return tonumber(sh("echo $PPID"))
end

-- bg starts a command whose first output line is a pid, and returns that
-- pid and a function that kills it and reaps it.
local function bg(cmd)
  local f = assert(io.popen(cmd))
  local pid = tonumber(f:read("*l"))
  assert(pid, "no pid from: " .. cmd)
  return pid, function()
    os.execute("kill -9 " .. pid .. " 2>/dev/null")
    f:close()
  end
end

local function inode_of(link)
  return tonumber(link:match("^%a+:%[(%d+)%]$"))
end

-- fd_count counts this process's descriptors, all and those on nsfs.
local function fd_count()
  local dir = "/proc/" .. shell_pid() .. "/fd"
  local all = tonumber(sh("ls " .. dir .. " | wc -l"))
  local nsfs = tonumber(sh("for f in " .. dir .. "/*; do readlink $f; done | grep -Ec '^(cgroup|ipc|mnt|net|pid|time|user|uts):\\['"))
  return all, nsfs
end

local function expect_error(t, pattern, fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then t:fatal("expected an error matching " .. pattern) end
  local msg = tostring(err)
  if not msg:find(pattern, 1, true) then
    t:fatal("error " .. msg .. " does not contain " .. pattern)
  end
  return err
end

function test_types(t)
  local want = {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"}
  assert(#ns.types == #want, "ns.types has " .. #ns.types .. " names")
  for i, name in ipairs(want) do
    assert(ns.types[i] == name, "ns.types[" .. i .. "] = " .. tostring(ns.types[i]))
  end
end

function test_self_matches_readlink(t)
  local pid = shell_pid()
  local all = ns.self()
  for _, typ in ipairs(ns.types) do
    local link = sh("readlink /proc/" .. pid .. "/ns/" .. typ)
    local h = ns.self(typ)
    assert(tostring(h) == link, typ .. ": " .. tostring(h) .. " vs readlink " .. link)
    assert(h:inode() == inode_of(link))
    assert(h:type() == typ)
    assert(all[typ] == h, "ns.self()[" .. typ .. "] differs")
    local of = ns.of(pid, typ)
    assert(of == h and ns.open(pid, typ) == h)
    local byPath = ns.open("/proc/" .. pid .. "/ns/" .. typ)
    assert(byPath == h and byPath:path() == "/proc/" .. pid .. "/ns/" .. typ)
    assert(h:dev() == byPath:dev() and h:dev() > 0)
    for _, x in ipairs({h, of, byPath}) do x:close() end
  end
  assert(ns.self("net") ~= ns.self("uts"), "different types compare equal")
  assert(all.pid_for_children == nil, "pid_for_children listed though it is the own pid namespace")
end

function test_ids_and_relations(t)
  local user, net, pid = ns.self("user"), ns.self("net"), ns.self("pid")
  assert(net:id() > 0 and net:id() ~= user:id())
  local owner = assert(net:owner())
  assert(owner == user and owner:type() == "user")
  local parent, why = user:parent()
  assert(parent == nil and why:find("operation not permitted", 1, true), tostring(why))
  local none, why2 = net:parent()
  assert(none == nil and why2 == "net namespaces have no parent", tostring(why2))
  assert(user:owner_uid() == 0 and net:owner_uid() == 0)
  -- ioctl by name
  assert(ns.ioctl(net, "NS_GET_NSTYPE") == 0x40000000)
  assert(ns.ioctl(net, "NS_GET_ID") == net:id())
  local u = ns.ioctl(pid, "NS_GET_USERNS")
  assert(u == user)
  local mnt = ns.self("mnt")
  assert(ns.ioctl(mnt, "NS_GET_MNTNS_ID") == mnt:id())
  local e = expect_error(t, "NS_GET_PARENT", ns.ioctl, net, "NS_GET_PARENT")
  assert(e.errno == "EINVAL" and e.op == "ns.ioctl", tostring(e.errno))
  expect_error(t, "must be one of NS_GET_ID, NS_GET_MNTNS_ID", ns.ioctl, net, "NS_GET_BOGUS")
  expect_error(t, "pid must be a positive integer", ns.ioctl, pid, "NS_GET_PID_IN_PIDNS")
  for _, h in ipairs({user, net, pid, owner, u, mnt}) do h:close() end
end

function test_bad_input(t)
  expect_error(t, "must be one of cgroup, ipc, mnt, net, pid, time, user, uts", ns.self, "nett")
  expect_error(t, "must be one of cgroup, ipc, mnt, net, pid, time, user, uts", ns.of, 1, "network")
  expect_error(t, "must be one of cgroup, ipc, mnt, net, pid, time, user, uts", ns.list, "mount")
  expect_error(t, "must be one of cgroup, ipc, mnt, net, pid, time, user, uts", ns.list, {type = "nett"})
  expect_error(t, "unknown field bogus", ns.list, {bogus = 1})
  expect_error(t, "bad argument #1", ns.list, 42)
  expect_error(t, "invalid relation", ns.tree, "sideways")
  local e = expect_error(t, "ns.open: /etc/hostname: not a namespace file", ns.open, "/etc/hostname")
  assert(e.op == "ns.open" and e.target == "/etc/hostname")
  e = expect_error(t, "no such file or directory", ns.open, "/nonexistent-" .. t:prefix())
  assert(e.errno == "ENOENT")
  -- a pid that existed and is gone
  local dead = tonumber(sh("sh -c 'echo $$'"))
  e = expect_error(t, "no such process", ns.of, dead)
  assert(e.errno == "ESRCH", tostring(e.errno))
  e = expect_error(t, "no such process", ns.of, dead, "net")
  assert(e.errno == "ESRCH")
  expect_error(t, "pid must be a positive integer", ns.of, 0)
  -- closed handles
  local h = ns.self("net")
  h:close()
  h:close()
  for _, m in ipairs({"id", "parent", "owner", "owner_uid", "pids", "type"}) do
    expect_error(t, "handle is closed", h[m], h)
  end
  expect_error(t, "handle is closed", ns.ioctl, h, "NS_GET_ID")
  expect_error(t, "handle is closed", ns.pin, h, t:tempdir() .. "/x")
  assert(tostring(h):find("^net:%[%d+%]$"), "a closed handle still prints its namespace")
  -- unpin refuses what is not a pin, and changes nothing
  local file = t:tempdir() .. "/regular"
  local f = assert(io.open(file, "w")); f:write("keep"); f:close()
  e = expect_error(t, "not a pinned namespace", ns.unpin, file)
  assert(e.op == "ns.unpin")
  f = assert(io.open(file)); assert(f:read("*a") == "keep"); f:close()
  expect_error(t, "not a pinned namespace", ns.unpin, "/proc/self/ns/net")
  expect_error(t, "namespace handle or pid expected", ns.pin, "net", "/tmp/x")
  local uts = ns.self("uts")
  expect_error(t, "the handle is a uts namespace, not net", ns.pin, uts, "net", file)
  uts:close()
end

function test_lifecycle(t)
  local pid, kill = bg("exec unshare --net sh -c 'echo $$; exec sleep 30'")
  local h = ns.of(pid, "net")
  local ino = h:inode()
  local pins = h:pids()
  assert(#pins == 1 and pins[1] == pid, "pids: " .. table.concat(pins, ","))
  local path = t:tempdir() .. "/pinned"
  h:pin(path)
  t:cleanup(function() pcall(ns.unpin, path) end)
  kill()
  local recs = ns.list{type = "net", inode = ino}
  assert(#recs == 1, "pinned netns not listed after its process exited")
  local r = recs[1]
  assert(r.nprocs == 0 and r.pid == nil and r.path == path, "record: nprocs " .. r.nprocs .. " path " .. tostring(r.path))
  -- our handle holds it too: its fd path is not listed while a mount pins it
  h:close()
  assert(#ns.list{type = "net", inode = ino} == 1, "pinned netns gone after close")
  ns.unpin(path)
  assert(#ns.list{type = "net", inode = ino} == 0, "netns still listed after unpin and close")
  assert(io.open(path) == nil, "unpin left the file")
end

function test_fd_only_and_pinned_only(t)
  -- held only by this shell's handle
  local pid, kill = bg("exec unshare --net sh -c 'echo $$; exec sleep 30'")
  local h = ns.of(pid, "net")
  kill()
  local recs = ns.list(function(n) return n.type == "net" and n.inode == h:inode() end)
  assert(#recs == 1, "fd-only netns not listed")
  assert(recs[1].nprocs == 0 and recs[1].path:find("^/proc/" .. shell_pid() .. "/fd/%d+$"), tostring(recs[1].path))
  assert(recs[1].owner and recs[1].id == h:id())
  h:close()
  assert(#ns.list{type = "net", inode = h:inode()} == 0, "netns listed after its only handle closed")
  -- pinned only by a bind mount another tool made
  local path = t:tempdir() .. "/net"
  assert(os.execute("touch " .. path .. " && unshare --net=" .. path .. " true") == 0)
  t:cleanup(function() pcall(ns.unpin, path) end)
  local p = ns.open(path)
  local r = ns.list{type = "net", inode = p:inode()}[1]
  assert(r and r.nprocs == 0 and r.paths[1] == path, "pinned-only netns not listed at " .. path)
  p:close()
  ns.unpin(path)
end

-- lsns_rows parses `lsns -r -n -o NS,TYPE,NPROCS,PID,PNS,ONS`.
local function lsns_rows()
  local rows = {}
  local f = assert(io.popen("lsns -r -n -o NS,TYPE,NPROCS,PID,PNS,ONS"))
  for line in f:lines() do
    local ino, typ, nprocs, pid, pns, ons = line:match("^(%d+) (%a+) (%d+) (%d+) (%d+) (%d+)$")
    if ino then
      rows[typ .. ":" .. ino] = {nprocs = tonumber(nprocs), pid = tonumber(pid), parent = tonumber(pns), owner = tonumber(ons)}
    end
  end
  f:close()
  return rows
end

function test_list_matches_lsns_nested(t)
  -- a number only this test uses, in the sleeper's own command line
  local marker = string.format("0.%06d", math.random(1, 999999))
  local f = assert(io.popen("exec unshare -Urpf --mount-proc unshare -Urpf --mount-proc sh -c 'echo ready; exec sleep 30 " .. marker .. "'"))
  assert(f:read("*l") == "ready")
  local function has_marker(n) return n.command ~= nil and n.command:find(marker, 1, true) ~= nil end
  local mine = ns.list(has_marker)
  t:cleanup(function()
    for _, n in ipairs(mine) do os.execute("kill -9 " .. n.pid .. " 2>/dev/null") end
    f:close()
  end)
  assert(#mine >= 4, "only " .. #mine .. " records name the nested processes")
  local rows = lsns_rows()
  local host = ns.self()
  local checked = 0
  for _, n in ipairs(ns.list()) do
    local w = rows[n.type .. ":" .. n.inode]
    if has_marker(n) and host[n.type]:inode() ~= n.inode then
      assert(w, n.type .. ":[" .. n.inode .. "] is not in lsns")
      assert(w.nprocs == n.nprocs and w.pid == n.pid and w.parent == (n.parent or 0) and w.owner == (n.owner or 0),
        string.format("%s:[%d]: nsh %d procs pid %d parent %s owner %s; lsns %d procs pid %d parent %d owner %d",
          n.type, n.inode, n.nprocs, n.pid, tostring(n.parent), tostring(n.owner), w.nprocs, w.pid, w.parent, w.owner))
      checked = checked + 1
    end
  end
  assert(checked >= 4, "only " .. checked .. " namespaces cross-checked")
  -- the tree by parent nests the new pid and user namespaces two deep
  local tree = ns.tree("parent")
  local text = tostring(tree)
  assert(text:find("└─", 1, true), text)
  local depth = {pid = 0, user = 0}
  local function walk(node, d)
    if depth[node.type] and has_marker(node) then depth[node.type] = math.max(depth[node.type], d) end
    for _, c in ipairs(node.children) do walk(c, d + 1) end
  end
  for _, root in ipairs(tree) do walk(root, 0) end
  assert(depth.pid == 2 and depth.user == 2, "nested at tree depths pid " .. depth.pid .. ", user " .. depth.user)
  for _, h in pairs(host) do h:close() end
end

function test_pid_translation(t)
  local marker = t:name()
  local f = assert(io.popen("exec unshare -pf --mount-proc sh -c 'sh -c \"echo \\$\\$; exec sleep 30\"; true # " .. marker .. "'"))
  local inside = tonumber(f:read("*l"))
  assert(inside and inside >= 2, "no $$ from inside")
  local rec = ns.list(function(n) return n.type == "pid" and n.command and n.command:find(marker, 1, true) end)[1]
  assert(rec, "the new pid namespace is not listed")
  local pidns = ns.open(rec.pid, "pid")
  local sleeper
  for _, p in ipairs(pidns:pids()) do
    if p ~= rec.pid then sleeper = p end
  end
  assert(sleeper, "no second process in the new pid namespace")
  assert(ns.ioctl(pidns, "NS_GET_PID_IN_PIDNS", sleeper) == inside,
    "NS_GET_PID_IN_PIDNS gave " .. ns.ioctl(pidns, "NS_GET_PID_IN_PIDNS", sleeper) .. ", $$ was " .. inside)
  assert(ns.ioctl(pidns, "NS_GET_PID_FROM_PIDNS", inside) == sleeper)
  assert(ns.ioctl(pidns, "NS_GET_PID_FROM_PIDNS", 1) == rec.pid)
  local e = expect_error(t, "no such process", ns.ioctl, pidns, "NS_GET_PID_IN_PIDNS", shell_pid())
  assert(e.errno == "ESRCH")
  pidns:close()
  os.execute("kill -9 " .. rec.pid)
  f:close()
end

function test_pin_and_unpin(t)
  local dir = t:tempdir()
  local uts = ns.self("uts")
  local a, b = dir .. "/a", dir .. "/b"
  ns.pin(uts, a)
  ns.pin(shell_pid(), "uts", b)
  local pa, pb = ns.open(a), ns.open(b)
  assert(pa == uts and pb == uts)
  pa:close(); pb:close()
  local e = expect_error(t, "file exists", ns.pin, uts, a)
  assert(e.errno == "EEXIST")
  local r = ns.list{type = "uts", inode = uts:inode()}[1]
  local found = {}
  for _, p in ipairs(r.paths) do found[p] = true end
  assert(found[a] and found[b], "pins not in the record's paths")
  ns.unpin(a)
  ns.unpin(b)
  assert(io.open(a) == nil and io.open(b) == nil)
  uts:close()
end

function test_no_fd_leak(t)
  local before, before_ns = fd_count()
  for i = 1, 10000 do
    local h = ns.open("/proc/self/ns/net")
    h:close()
  end
  for i = 1, 100 do
    local all = ns.self()
    for _, h in pairs(all) do h:close() end
  end
  local after, after_ns = fd_count()
  -- other goroutines of the test process open and close a few descriptors
  -- meanwhile; namespace descriptors are this test's alone
  assert(after_ns == before_ns, "nsfs fds: " .. before_ns .. " before, " .. after_ns .. " after")
  assert(after < before + 8, "fds: " .. before .. " before, " .. after .. " after")
end

-- lsns_p returns lsns -J -p PID's namespaces keyed "type:inode".
local function lsns_p(pid)
  local f = assert(io.popen("lsns -J -p " .. pid))
  local text = f:read("*a")
  f:close()
  local out, n = {}, 0
  for _, row in ipairs(nsh.json.decode(text).namespaces) do
    out[row.type .. ":" .. row.ns] = row
    n = n + 1
  end
  return out, n
end

-- ns.list{pid = P} is what lsns -p P lists: every namespace P is in, not
-- only those whose lowest pid is P.
function test_list_pid_is_lsns_p(t)
  local p = ns.spawn{"sleep", "60", new = {"uts", "ipc", "net"}}
  t:cleanup(function() p:kill("KILL"); p:wait() end)
  for _, pid in ipairs({p.pid, shell_pid()}) do
    local want, n = lsns_p(pid)
    local got = ns.list{pid = pid}
    if #got ~= n then t:fatal(string.format("pid %d: nsh lists %d namespaces, lsns -p %d", pid, #got, n)) end
    assert(n >= 7, "lsns -p lists only " .. n)
    for _, r in ipairs(got) do
      local w = want[r.type .. ":" .. r.inode]
      if not w then t:fatal(r.type .. ":[" .. r.inode .. "] is not in lsns -p " .. pid) end
      -- the host's namespaces gain and lose processes between the two
      -- listings; the child's own hold it alone
      local stable = pid == p.pid and r.pid == p.pid
      if w.pid ~= r.pid or stable and w.nprocs ~= r.nprocs then
        t:fatal(string.format("%s:[%d]: nsh %d procs pid %d; lsns %d procs pid %d", r.type, r.inode, r.nprocs, r.pid, w.nprocs, w.pid))
      end
    end
  end
  -- the child's new namespaces have it as lowest pid; the others do not
  local own = ns.list(function(r) return r.pid == p.pid end)
  assert(#own == 3, #own .. " namespaces with lowest pid " .. p.pid)
  -- filters combine
  local nets = ns.list{pid = p.pid, type = "net"}
  assert(#nets == 1 and nets[1].inode == p:ns("net"):inode())
  expect_error(t, "field pid: pid must be a positive integer", ns.list, {pid = -1})
  local dead = ns.spawn{"true"}
  dead:wait()
  local err = expect_error(t, "ns.list", ns.list, {pid = dead.pid})
  assert(err.errno == "ESRCH", tostring(err))
end

-- ns.tree shows command lines with their control characters escaped.
function test_tree_escapes_control_characters(t)
  -- sh waits in its builtin read, so it is the only process to stop
  local p = ns.spawn{"sh", "-c", "read x", "\27[2J\nfake line", new = {"uts"}, stdin = "pipe"}
  t:cleanup(function() p.stdin:close(); p:wait() end)
  local text = tostring(ns.tree("process"))
  local ino = p:ns("uts"):inode()
  local line = text:match("uts:%[" .. ino .. "%][^\n]*")
  assert(line, "no line for the child's uts namespace")
  assert(line:find("sh -c read x \\x1b[2J\\nfake line", 1, true), line)
  assert(not text:find("\27", 1, true), "an escape character reached the tree's text")
end
