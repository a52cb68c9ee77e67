-- Adversarial input on the Lua surface of ns: every case must end in a
-- clear Lua error (a misuse is "bad argument #n to 'f' (…)", a kernel
-- failure names its errno) and never in a Go panic, a hang, a child left
-- running or a namespace changed. Each row: a name, a function, and the
-- text the error must contain (nil: the call must succeed).

-- gopher-lua's math.huge is the largest float, not infinity: test both.
local nan, inf, realinf = 0 / 0, math.huge, 1 / 0

-- check runs the rows and fails on the first wrong outcome.
local function check(t, rows)
  for _, row in ipairs(rows) do
    local name, fn, want = row[1], row[2], row[3]
    local ok, err = pcall(fn)
    local msg = tostring(err)
    if type(err) == "table" and err.message then msg = err.message end
    if msg:find("runtime error", 1, true) or msg:find("goroutine", 1, true) then
      t:fatal(name .. ": a Go panic reached Lua: " .. msg)
    end
    if want == nil and not ok then t:fatal(name .. ": unexpected error: " .. msg) end
    if want ~= nil then
      if ok then t:fatal(name .. ": expected an error containing " .. want) end
      if not msg:find(want, 1, true) then
        t:fatal(string.format("%s: error %q does not contain %q", name, msg, want))
      end
    end
  end
end

-- children counts this shell's live children that are not popen's own.
local function children()
  local f = io.popen("ppid=$PPID; cat /proc/$ppid/task/*/children")
  local n = 0
  for pid in f:read("*a"):gmatch("%d+") do
    local st = io.open("/proc/" .. pid .. "/stat")
    if st then
      local s = st:read("*a")
      st:close()
      local comm = s:match("%((.-)%)")
      if not s:find(") Z", 1, true) and comm ~= "sh" and comm ~= "cat" then n = n + 1 end
    end
  end
  f:close()
  return n
end

function test_pids_paths_and_handles(t)
  local h = ns.self("net")
  local pidns = ns.self("pid")
  local closed = ns.self("uts")
  closed:close()
  local path = t:tempdir() .. "/pin"
  check(t, {
    {"ns.of NaN", function() return ns.of(nan) end, "bad argument #1"},
    {"ns.of inf", function() return ns.of(inf) end, "pid must be a positive integer"},
    {"ns.of -inf", function() return ns.of(-inf) end, "pid must be a positive integer"},
    {"ns.of 1/0", function() return ns.of(realinf) end, "pid must be a positive integer"},
    {"ns.of fraction", function() return ns.of(1.5) end, "pid must be a positive integer"},
    {"ns.of 2^31", function() return ns.of(2 ^ 31) end, "pid must be a positive integer"},
    {"ns.of zero", function() return ns.of(0) end, "pid must be a positive integer"},
    {"ns.of table", function() return ns.of({}) end, "bad argument #1"},
    {"ns.of bad type", function() return ns.of(1, 5) end, "must be one of cgroup"},
    {"ns.open empty", function() return ns.open("") end, "path must not be empty"},
    {"ns.open NUL", function() return ns.open("/proc/self/ns/net\0x") end, "path contains a NUL byte"},
    {"ns.open dir", function() return ns.open("/proc") end, "not a namespace file"},
    {"ns.open pid NaN", function() return ns.open(nan, "net") end, "pid must be a positive integer"},
    {"ns.open pid no type", function() return ns.open(1) end, "bad argument #2"},
    {"ns.ioctl pid NaN", function() return ns.ioctl(pidns, "NS_GET_PID_IN_PIDNS", nan) end, "bad argument #3"},
    {"ns.ioctl pid -5", function() return ns.ioctl(pidns, "NS_GET_PID_IN_PIDNS", -5) end, "pid must be a positive integer"},
    {"ns.ioctl pid 2^40", function() return ns.ioctl(pidns, "NS_GET_PID_IN_PIDNS", 2 ^ 40) end, "pid must be a positive integer"},
    {"ns.ioctl request number", function() return ns.ioctl(h, 1) end, "unknown request"},
    {"ns.ioctl closed", function() return ns.ioctl(closed, "NS_GET_ID") end, "handle is closed"},
    {"ns.pin pid NaN", function() return ns.pin(nan, "net", path) end, "pid must be a positive integer"},
    {"ns.pin empty path", function() return ns.pin(h, "") end, "path must not be empty"},
    {"ns.pin NUL path", function() return ns.pin(h, path .. "\0x") end, "path contains a NUL byte"},
    {"ns.pin pid, empty path", function() return ns.pin(1, "net", "") end, "path must not be empty"},
    {"h:pin NUL path", function() return h:pin(path .. "\0") end, "path contains a NUL byte"},
    {"ns.unpin empty", function() return ns.unpin("") end, "path must not be empty"},
    {"ns.unpin directory", function() return ns.unpin(t:tempdir()) end, "not a pinned namespace"},
    {"method on a table", function() return h.type({}) end, "namespace handle expected, got table"},
    {"method without self", function() return h.id() end, "namespace handle expected, got nil"},
    {"ns.list nested table", function() return ns.list({{}}) end, "unknown field 1"},
    {"ns.list table value", function() return ns.list({pid = {}}) end, "field pid: string, number or boolean expected, got table"},
    {"ns.list function value", function() return ns.list({inode = print}) end, "field inode: string, number or boolean expected"},
    {"ns.list predicate raises", function() return ns.list(function() error("from predicate") end) end, "from predicate"},
    {"ns.tree number", function() return ns.tree(5) end, "bad argument #1"},
  })
  local f = io.open(path)
  if f then f:close(); t:fatal("a refused pin left " .. path) end
  h:close()
  pidns:close()
end

function test_enter_misuse_changes_nothing(t)
  local before = {}
  for _, typ in ipairs(ns.types) do before[typ] = tostring(ns.self(typ)) end
  local closed = ns.self("uts")
  closed:close()
  check(t, {
    {"ns.unshare nil in the middle", function() return ns.unshare("net", nil, "uts") end, "ns.unshare: bad argument #2 (namespace type expected, got nil)"},
    {"ns.unshare unknown option", function() return ns.unshare("mnt", {bogus = 5}) end, "unknown option 'bogus'"},
    {"ns.unshare bad propagation", function() return ns.unshare("mnt", {propagation = "sideways"}) end, "propagation"},
    {"ns.unshare number", function() return ns.unshare(5) end, "bad argument #1"},
    {"ns.unshare empty table", function() return ns.unshare({}) end, "namespace type expected"},
    {"ns.unshare nested table", function() return ns.unshare({{"net"}}) end, "type name expected at [1]"},
    {"ns.setns NaN", function() return ns.setns(nan) end, "pid must be a positive integer"},
    {"ns.setns inf", function() return ns.setns(inf) end, "pid must be a positive integer"},
    {"ns.setns closed", function() return ns.setns(closed) end, "handle is closed"},
    {"ns.setns empty", function() return ns.setns({}) end, "no namespaces given"},
    {"ns.setns handle with types", function() return ns.setns(ns.self("net"), {"net"}) end, "types picks"},
    {"ns.with no function", function() return ns.with({}) end, "bad argument #2"},
    {"ns.with NaN", function() return ns.with(nan, print) end, "pid must be a positive integer"},
    {"ns.with closed", function() return ns.with(closed, print) end, "handle is closed"},
    {"ns.with nested table", function() return ns.with({{}}, print) end, "entry 1 is a table"},
    {"ns.with unknown netns name", function() return ns.with("nsh-no-such-netns", print) end, "no such network namespace"},
  })
  for _, typ in ipairs(ns.types) do
    if tostring(ns.self(typ)) ~= before[typ] then t:fatal("a refused call moved the shell's " .. typ .. " namespace") end
  end
end

function test_spawn_misuse(t)
  local closed = ns.self("net")
  closed:close()
  local kids = children()
  check(t, {
    {"no table", function() return ns.spawn("true") end, "ns.spawn: bad argument #1 (options table expected, got string)"},
    {"empty command", function() return ns.spawn{""} end, "the command name is empty"},
    {"NUL in command", function() return ns.spawn{"tr\0ue"} end, "argv[1] contains a NUL byte"},
    {"NUL in argument", function() return ns.run{"echo", "a\0b"} end, "argv[2] contains a NUL byte"},
    {"NUL in env", function() return ns.run{"true", env = {"A=b\0c"}} end, "env entry 1 contains a NUL byte"},
    {"NUL in hostname", function() return ns.run{"true", new = {"uts"}, hostname = "a\0b"} end, "hostname' contains a NUL byte"},
    {"hostname too long", function() return ns.run{"true", new = {"uts"}, hostname = string.rep("h", 65)} end, "longer than 64 bytes"},
    {"hole in argv", function() return ns.run{"echo", nil, "x"} end, "argv[2]: string expected, got nil"},
    {"no such binary", function() return ns.spawn{"/nonexistent/" .. t:prefix()} end, "no such file or directory"},
    {"not in PATH", function() return ns.spawn{t:prefix() .. "-none"} end, "executable file not found"},
    {"unreadable stdin file", function() return ns.run{"cat", stdin = "/nonexistent/" .. t:prefix()} end, "stdin"},
    {"NUL in a stdout path", function() return ns.run{"true", stdout = "/tmp/x\0y"} end, "option 'stdout' contains a NUL byte"},
    {"stdout a directory", function() return ns.run{"echo", stdout = "/"} end, "is a directory"},
    {"missing root", function() return ns.run{"true", root = "/nonexistent/" .. t:prefix()} end, "root /nonexistent/"},
    {"missing dir", function() return ns.run{"true", dir = "/nonexistent/" .. t:prefix()} end, "dir /nonexistent/"},
    {"dir a file", function() return ns.run{"true", dir = "/etc/hostname"} end, "not a directory"},
    {"missing dir, re-executed", function() return ns.run{"true", mount_proc = true, dir = "/nonexistent/" .. t:prefix()} end, "/nonexistent/"},
    {"uid_map NaN", function() return ns.run{"true", new = {"user"}, uid_map = {{0, nan, 1}}} end, "must be integers"},
    {"uid_map inf", function() return ns.run{"true", new = {"user"}, uid_map = {{0, inf, 1}}} end, "must be integers"},
    {"uid_map 1/0", function() return ns.run{"true", new = {"user"}, uid_map = {{0, 0, realinf}}} end, "must be integers"},
    {"uid_map negative", function() return ns.run{"true", new = {"user"}, uid_map = {{0, -1, 1}}} end, "ids must be >= 0"},
    {"uid_map zero count", function() return ns.run{"true", new = {"user"}, uid_map = {{0, 0, 0}}} end, "count > 0"},
    -- 2^32 wraps to 0 in the kernel's 32-bit parse: it would map root
    {"uid_map 2^32", function() return ns.run{"id", "-u", new = {"user"}, uid_map = {{0, 2 ^ 32, 1}}} end, "ids must stay below 4294967295"},
    {"uid_map 2^40", function() return ns.run{"true", new = {"user"}, uid_map = {{0, 2 ^ 40, 1}}} end, "ids must stay below 4294967295"},
    {"uid_map nested", function() return ns.run{"true", new = {"user"}, uid_map = {{{0}, 0, 1}}} end, "must be integers"},
    {"time NaN", function() return ns.run{"true", time = {boottime = nan}} end, "out of range"},
    {"time inf", function() return ns.run{"true", time = {monotonic = inf}} end, "out of range"},
    {"time -inf", function() return ns.run{"true", time = {monotonic = -inf}} end, "out of range"},
    {"time 1/0", function() return ns.run{"true", time = {boottime = -realinf}} end, "out of range"},
    {"time huge", function() return ns.run{"true", time = {boottime = 1e18}} end, "out of range"},
    {"time unknown clock", function() return ns.run{"true", time = {realtime = 1}} end, "unknown clock"},
    {"join NaN", function() return ns.run{"true", join = nan} end, "pid must be a positive integer"},
    {"join closed", function() return ns.run{"true", join = closed} end, "handle is closed"},
    {"join empty", function() return ns.run{"true", join = {}} end, "no namespaces given"},
    {"new nested", function() return ns.run{"true", new = {{"net"}}} end, "option 'new' must be a list of strings, got a table at [1]"},
    {"clone without function", function() return ns.clone(5) end, "ns.clone: bad argument #1"},
    {"clone of a Go function", function() return ns.clone(print) end, "Lua function"},
    {"clone options number", function() return ns.clone(function() end, 5) end, "bad argument #2"},
  })
  if children() ~= kids then t:fatal("a refused spawn left a child running") end
end

function test_process_and_stream_misuse(t)
  local p = ns.spawn{"true"}
  assert(p:wait() == 0)
  local q = ns.spawn{"sleep", "60"}
  t:cleanup(function() q:kill("KILL"); q:wait() end)
  check(t, {
    {"wait twice", function() assert(p:wait() == 0) end},
    {"kill an exited process", function() p:kill(); p:kill("KILL") end},
    {"ns of an exited process", function() return p:ns("net") end, "no such process"},
    {"kill NaN", function() return q:kill(nan) end, "bad argument #1 to 'kill'"},
    {"kill -1", function() return q:kill(-1) end, "signal must be an integer from 0 to 64"},
    {"kill 1e9", function() return q:kill(1e9) end, "signal must be an integer from 0 to 64"},
    {"kill inf", function() return q:kill(inf) end, "signal must be an integer from 0 to 64"},
    {"kill 1/0", function() return q:kill(realinf) end, "signal must be an integer from 0 to 64"},
    {"kill 1.5", function() return q:kill(1.5) end, "signal must be an integer from 0 to 64"},
    {"kill 0 probes", function() return q:kill(0) end},
    {"kill unknown name", function() return q:kill("FOO") end, "unknown signal 'FOO'"},
    {"kill table", function() return q:kill({}) end, "signal number or name expected"},
    {"ns unknown type", function() return q:ns("bogus") end, "must be one of cgroup"},
    {"wait on a table", function() return q.wait({}) end, "bad argument #1"},
  })
  local s = ns.spawn{"printf", "abcdef", stdout = "pipe", stdin = "pipe"}
  assert(s.stdout:read(0) == "")
  assert(s.stdout:read(2) == "ab")
  assert(s.stdout:read(2 ^ 30) == "cdef", "a huge count reads what there is")
  assert(s.stdout:read(0) == nil and s.stdout:read(3) == nil, "at end of file")
  check(t, {
    {"read negative", function() return s.stdout:read(-1) end, "byte count must be an integer"},
    {"read NaN", function() return s.stdout:read(nan) end, "byte count must be an integer"},
    {"read 2^40", function() return s.stdout:read(2 ^ 40) end, "byte count must be an integer"},
    {"read bad format", function() return s.stdout:read("*x") end, "invalid format"},
    {"write table", function() return s.stdin:write({}) end, "bad argument #2"},
    {"write nil in the middle", function() return s.stdin:write("a", nil, "b") end, "bad argument #3"},
  })
  s.stdout:close()
  s.stdin:close()
  check(t, {
    {"read closed", function() return s.stdout:read() end, "closed"},
    {"close twice", function() s.stdout:close() end},
  })
  assert(s:wait() == 0)
end

function test_with_nested_50_deep(t)
  local uts, net = ns.self("uts"), ns.self("net")
  local function dive(n)
    if n == 0 then return "bottom", ns.self("uts") == uts end
    return ns.with(n % 2 == 0 and uts or {net = net}, dive, n - 1)
  end
  local word, same = dive(50)
  assert(word == "bottom" and same)
  -- an error at the bottom arrives unchanged through all 50 levels
  local ok, err = pcall(function()
    local function down(n)
      if n == 0 then error({depth = "bottom"}) end
      return ns.with(uts, down, n - 1)
    end
    return down(50)
  end)
  assert(not ok and type(err) == "table" and err.depth == "bottom", tostring(err))
end

-- The traceback of an error fn raises inside ns.with shows where fn
-- raised, not only the ns.with call.
function test_with_traceback_shows_fn(t)
  local function deep_inside_with()
    error("raised here")
  end
  local function body() deep_inside_with() end
  local ok, tb = xpcall(function() return ns.with({}, body) end, debug.traceback)
  assert(not ok)
  if not tb:find("raised here", 1, true) or not tb:find("deep_inside_with", 1, true) then
    t:fatal("traceback does not show where fn raised:\n" .. tb)
  end
end

function test_clone_awkward_values(t)
  local cyclic = {}
  cyclic.self = cyclic
  local deep = {}
  local c = deep
  for _ = 1, 100000 do c.x = {}; c = c.x end
  local co = coroutine.create(print)
  check(t, {
    {"cyclic upvalue", function() return ns.clone(function() return cyclic end) end, "contains itself"},
    -- 100,000 levels once built a path string per level (gigabytes)
    {"deeply nested upvalue", function() return ns.clone(function() return deep end) end, "deeper than 200 levels"},
    {"coroutine upvalue", function() return ns.clone(function() return co end) end, "upvalue 'co' is a thread"},
    {"function as a table key", function() local k = {[print] = 1}; return ns.clone(function() return k end) end, "key is a function"},
    {"function argument", function() return ns.clone(function() end, {}, print) end, "bad argument #3"},
    {"deeply nested result", function()
      return ns.clone(function()
        local r = {}
        local x = r
        for _ = 1, 1000 do x.x = {}; x = x.x end
        return r
      end, {}):wait()
    end, "deeper than 200 levels"},
  })
  local bin = "\0\255\1" .. string.rep("z", 2 ^ 20)
  local p = ns.clone(function(n) return bin, #bin, n ~= n, n end, {"uts"}, 0 / 0)
  local code, s, len, isnan = p:wait()
  assert(code == 0 and s == bin and len == #bin and isnan, "binary and NaN values arrive intact")
  p = ns.clone(function() os.exit(7) end, {"uts"})
  code = p:wait()
  assert(code == 7, "os.exit in the child is its exit code, got " .. tostring(code))
end
