-- One way to name a namespace: every argument and option that designates
-- a namespace takes a handle, a {type = handle} table, a list of handles, a
-- pid, a netns name and a path, and each form names the same namespace.

-- lab makes a named netns with a process in it and returns the forms that
-- name its network namespace, keyed by form.
local function lab(t)
  local name = t:name()
  local h = netns.add(name)
  t:cleanup(function() h:close(); pcall(netns.del, name) end)
  link.add{ns = h, name = "tf0", type = "bridge"}
  local p = ns.spawn{"sleep", "60", join = h}
  t:cleanup(function() p:kill("KILL"); p:wait() end)
  return h, {
    handle = h,
    table = {net = h},
    list = {h},
    pid = p.pid,
    name = name,
    path = "/run/netns/" .. name,
    proc = "/proc/" .. p.pid .. "/ns/net",
  }
end

-- readlink_in runs readlink of the net link inside join = form and returns
-- what it printed.
local function readlink_in(t, form, what)
  local out = t:tempdir() .. "/out"
  local r = ns.run{"readlink", "/proc/self/ns/" .. (what or "net"), join = form, stdout = out}
  assert(r.code == 0, "readlink failed")
  local f = assert(io.open(out))
  local s = f:read("*l")
  f:close()
  return s
end

function test_every_form_joins_the_same_namespace(t)
  local h, forms = lab(t)
  for form, v in pairs(forms) do
    local got = readlink_in(t, v)
    if got ~= tostring(h) then t:fatal(form .. ": joined " .. tostring(got) .. ", want " .. tostring(h)) end
  end
end

function test_every_form_scopes_ns_with(t)
  local h, forms = lab(t)
  for form, v in pairs(forms) do
    local inside = ns.with(v, function() return ns.self("net") end)
    if inside ~= h then t:fatal(form .. ": ns.with ran in " .. tostring(inside)) end
    inside:close()
  end
end

function test_every_form_is_an_ns_option(t)
  local h, forms = lab(t)
  for form, v in pairs(forms) do
    local names = {}
    for _, l in ipairs(link.list{ns = v}) do names[l.name] = true end
    if not names.tf0 then t:fatal(form .. ": link.list{ns=…} did not look in the lab") end
    assert(net.sysctl("net.ipv4.ip_forward", {ns = v}) == "0", form)
    assert(link.get("tf0", {ns = v}).type == "bridge", form)
  end
end

function test_every_form_is_a_peer_and_move_target(t)
  local h, forms = lab(t)
  local other = t:name()
  local o = netns.add(other)
  t:cleanup(function() o:close(); pcall(netns.del, other) end)
  local i = 0
  for form, v in pairs(forms) do
    i = i + 1
    link.add{ns = o, name = "a" .. i, type = "veth", peer = "b" .. i, peer_ns = v}
    assert(link.get("b" .. i, {ns = h}).type == "veth", form .. ": peer_ns") -- link.get raises when it is elsewhere
    link.add{ns = o, name = "m" .. i, type = "veth", peer = "n" .. i}
    link.set("m" .. i, {ns = o, move_to = v})
    assert(link.get("m" .. i, {ns = h}).type == "veth", form .. ": move_to")
  end
end

-- join = ns.of(pid) names every namespace of the process, its user
-- namespace too, which is the caller's: joining skips it as join = pid
-- (and nsenter -a) does, so both forms end in the same namespaces.
function test_join_ns_of_equals_join_pid(t)
  local _, forms = lab(t)
  local all = ns.of(forms.pid)
  for _, what in ipairs(ns.types) do
    local by_pid = readlink_in(t, forms.pid, what)
    local by_table = readlink_in(t, all, what)
    if by_pid ~= by_table then t:fatal(what .. ": join=pid gave " .. by_pid .. ", join=ns.of(pid) gave " .. by_table) end
  end
  for _, h in pairs(all) do h:close() end
end

-- A form that names no namespace of the kind asked for is refused clearly.
function test_forms_refused_where_meaningless(t)
  local uts = ns.self("uts")
  local ok, err = pcall(link.list, {ns = uts})
  assert(not ok and err.op == "link.list" and err.option == "ns" and tostring(err):find("not a network namespace"), tostring(err))
  ok, err = pcall(link.list, {ns = "/etc/hostname"})
  assert(not ok and tostring(err):find("not a namespace file", 1, true), tostring(err))
  ok, err = pcall(ns.run, {"true", join = "no-such-" .. t:name()})
  assert(not ok and err.errno == "ENOENT" and tostring(err):find("no such network namespace", 1, true), tostring(err))
  ok, err = pcall(ns.with, 2^40, function() end)
  assert(not ok and err.arg == 1, tostring(err))
  uts:close()
end

-- A coroutine cannot yield across an nsh call that runs Lua (ns.with's
-- function): it is a clean error, and the coroutine and the shell go on.
function test_no_yield_across_nsh_calls(t)
  local co = coroutine.create(function()
    ns.with({}, function() coroutine.yield(1) end)
  end)
  local ok, err = coroutine.resume(co)
  assert(not ok and tostring(err):find("attempt to yield across an nsh call", 1, true), tostring(err))
  local list = ns.list(function(r) return r.type == "uts" end)
  assert(#list > 0)
  local co2 = coroutine.wrap(function() coroutine.yield(5) return 6 end)
  assert(co2() == 5 and co2() == 6)
end
