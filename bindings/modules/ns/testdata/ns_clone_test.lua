-- Tests of ns.clone: a Lua function run in a child in new namespaces,
-- its data upvalues copied, its results and errors brought back.

local function children()
  local f = io.popen("cat /proc/$PPID/task/*/children")
  local n = 0
  for pid in f:read("*a"):gmatch("%d+") do
    local st = io.open("/proc/" .. pid .. "/stat")
    if st then
      local s = st:read("*a")
      st:close()
      -- the popen's own sh is a child too: count only the others
      if not s:find("(sh)", 1, true) and not s:find(") Z", 1, true) then n = n + 1 end
    end
  end
  f:close()
  return n
end

function test_clone_pid_uts_data_upvalues(t)
  local name = t:name()
  local cfg = {name = name, list = {1, 2, 3}, deep = {a = {b = {c = "d"}}}, flag = true, pi = 3.25}
  local count = 42
  local p = ns.clone(function(greeting, extra)
    local stat = io.open("/proc/self/stat"):read("*a")
    local pid = tonumber(stat:match("^(%d+)"))
    local host = io.popen("hostname"):read("*l")
    local kids = 0
    for _ in io.popen("ls /proc"):read("*a"):gmatch("%f[%w]%d+%f[%W]") do kids = kids + 1 end
    return {pid = pid, host = host, cfg = cfg, count = count, greeting = greeting, extra = extra,
            [1] = "one", [2.5] = "frac", bin = "\0\255"}, "second"
  end, {"pid", "uts", hostname = cfg.name, mount_proc = true}, "hi", {x = 1})
  assert(type(p.pid) == "number")
  local code, r, second = p:wait()
  assert(code == 0, "exit " .. tostring(code))
  assert(r.pid == 1, "the function must see itself as PID 1, got " .. tostring(r.pid))
  assert(r.host == cfg.name, r.host)
  assert(r.cfg.list[3] == 3 and r.cfg.deep.a.b.c == "d" and r.cfg.flag == true and r.cfg.pi == 3.25)
  assert(r.count == 42 and r.greeting == "hi" and r.extra.x == 1)
  assert(r[1] == "one", tostring(r[1]))
  assert(r[2.5] == "frac", tostring(r[2.5]))
  assert(r.bin == "\0\255", #tostring(r.bin))
  assert(second == "second")
  -- the upvalue was copied, not shared
  assert(cfg.name == name)
end

function test_clone_list_of_types(t)
  local p = ns.clone(function() return io.open("/proc/self/ns/net") ~= nil end, {"net", "ipc"})
  local code, ok = p:wait()
  assert(code == 0 and ok == true)
  -- no options at all
  local code2, v = ns.clone(function(x) return x * 2 end, nil, 21):wait()
  assert(code2 == 0 and v == 42)
end

function test_clone_error_and_traceback(t)
  local p = ns.clone(function()
    local function inner() error("kaboom in child") end
    inner()
  end, {"uts"})
  local ok, err = pcall(p.wait, p)
  assert(not ok)
  local msg = tostring(err)
  assert(msg:find("kaboom in child", 1, true), msg)
  assert(msg:find("stack traceback", 1, true), "traceback missing: " .. msg)
  assert(msg:find("inner", 1, true), "traceback lacks the inner function: " .. msg)
  assert(err.op == "ns.clone")
  assert(p.code == 1)
end

function test_clone_refuses_function_and_userdata_upvalues(t)
  local before = children()
  local helper = function() return 1 end
  local ok, err = pcall(ns.clone, function() return helper() end, {"uts"})
  assert(not ok and tostring(err):find("upvalue 'helper' is a function", 1, true), tostring(err))
  local h = ns.self("net")
  ok, err = pcall(ns.clone, function() return h end, {"uts"})
  assert(not ok and tostring(err):find("upvalue 'h' is a ns handle", 1, true), tostring(err))
  local nested = {f = print}
  ok, err = pcall(ns.clone, function() return nested end, {"uts"})
  assert(not ok and tostring(err):find("upvalue 'nested'[f] is a function", 1, true), tostring(err))
  local cyc = {}
  cyc.self = cyc
  ok, err = pcall(ns.clone, function() return cyc end)
  assert(not ok and tostring(err):find("contains itself", 1, true), tostring(err))
  ok, err = pcall(ns.clone, function() end, {"uts"}, print)
  assert(not ok and tostring(err):find("argument #3 is a function", 1, true), tostring(err))
  ok, err = pcall(ns.clone, print, {"uts"})
  assert(not ok and tostring(err):find("Go function", 1, true), tostring(err))
  ok, err = pcall(ns.clone, function() end, {"nett"})
  assert(not ok and tostring(err):find("unknown namespace type", 1, true), tostring(err))
  assert(children() == before, "a refused clone started a child")
  h:close()
end

function test_clone_result_not_plain(t)
  local p = ns.clone(function() return print end)
  local ok, err = pcall(p.wait, p)
  assert(not ok and tostring(err):find("result #1 is a function", 1, true), tostring(err))
end
