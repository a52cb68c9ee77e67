-- Tests of the topo DSL against the real kernel, cross-checked with ip(8).
-- Every lab's prefix carries the test run's prefix, so the leak check sees
-- anything left behind.

-- ip runs ip(8) with args and returns its output.
local function ip(...)
  local r = ns.run{"ip", ...}
  assert(r.code == 0, "ip " .. table.concat({...}, " ") .. ": " .. tostring(r.stderr))
  return r.stdout
end

-- assert_gone fails when ip netns list or ip link shows a name with prefix.
local function assert_gone(t, prefix)
  local pat = prefix:gsub("%p", "%%%0")
  for line in ip("netns", "list"):gmatch("[^\n]+") do
    if line:find(pat) then t:fatal("netns left behind: " .. line) end
  end
  for line in ip("-o", "link", "show"):gmatch("[^\n]+") do
    if line:find(pat) then t:fatal("link left behind: " .. line) end
  end
end

local function ping(t, node, addr)
  local r = node:run("ping -c1 -W2 " .. addr)
  if r.code ~= 0 then
    t:fatal(node.name .. " cannot ping " .. addr .. ": " .. tostring(r.stdout) .. tostring(r.stderr))
  end
end

function test_twenty_hosts_on_a_switch(t)
  local prefix = t:name() .. "-"
  local hosts, links = {}, {}
  for i = 1, 20 do
    hosts[i] = "h" .. i
    links[i] = {"s", "h" .. i, ip = {false, "10.0.0." .. i .. "/24"}}
  end
  local lab = topo.up{prefix = prefix, hosts = hosts, switches = {"s"}, links = links}
  t:cleanup(function() lab:down() end)
  -- Seen by ip: 21 namespaces, each host with eth0 and its address.
  local count = 0
  for line in ip("netns", "list"):gmatch("[^\n]+") do
    if line:find(prefix, 1, true) then count = count + 1 end
  end
  if count ~= 21 then t:fatal("ip netns list shows " .. count .. " of 21 namespaces") end
  assert(ip("-n", prefix .. "h7", "-o", "addr", "show", "dev", "eth0"):find("10.0.0.7/24", 1, true))
  for i = 1, 20 do
    ping(t, lab.hosts["h" .. i], "10.0.0." .. (i % 20 + 1))
  end
  assert(lab.hosts.h3:addr() == "10.0.0.3")
  assert(lab.switches.s.kind == "switch" and lab.hosts.h1.netns == prefix .. "h1")
  lab:down()
  assert_gone(t, prefix)
  lab:down() -- idempotent
end

function test_router_between_two_subnets(t)
  local prefix = t:name() .. "-"
  topo.with({
    prefix = prefix,
    hosts = {a = {gw = "10.1.0.1"}, b = {gw = "10.2.0.1"}},
    routers = {"r"},
    links = {
      {"a", "r", ip = {"10.1.0.2/24", "10.1.0.1/24"}},
      {"b", "r", ip = {"10.2.0.2/24", "10.2.0.1/24"}},
    },
  }, function(lab)
    ping(t, lab.hosts.a, "10.2.0.2")
    ping(t, lab.hosts.b, "10.1.0.2")
    assert(net.sysctl("net.ipv4.ip_forward", {ns = lab.routers.r.netns}) == "1")
    local routes = route.list{ns = lab.hosts.a.netns}
    local found = false
    for _, r in ipairs(routes) do
      if r.dst == "default" and r.via == "10.1.0.1" then found = true end
    end
    assert(found, "no default route via the router")
  end)
  assert_gone(t, prefix)
end

function test_with_raising_halfway_leaves_nothing(t)
  local prefix = t:name() .. "-"
  local reached = false
  local ok, err = pcall(topo.with, {
    prefix = prefix, hosts = {"a", "b"}, switches = {s = {host = true}},
    links = {{"a", "s", ip = {"10.3.0.1/24"}}, {"b", "s", ip = {"10.3.0.2/24"}}},
  }, function(lab)
    reached = true
    assert(ip("-o", "link", "show"):find(prefix .. "s", 1, true), "host bridge missing")
    error("halfway")
  end)
  assert(reached and not ok and tostring(err):find("halfway"), tostring(err))
  assert_gone(t, prefix)
end

function test_failed_build_leaves_nothing(t)
  local prefix = t:name() .. "-"
  -- The namespaces and the link are made before the bad address is seen.
  local ok, err = pcall(topo.up, {prefix = prefix, hosts = {"a", "b"},
    links = {{"a", "b", ip = {"10.4.0.1/24", "10.4.0.300/24"}}}})
  assert(not ok and tostring(err):find("10.4.0.300/24", 1, true), tostring(err))
  assert_gone(t, prefix)
  -- A spec error is found before anything is made.
  ok, err = pcall(topo.up, {prefix = prefix, hosts = {"a"}, links = {{"a", "nowhere"}}})
  assert(not ok and tostring(err):find("unknown node nowhere"), tostring(err))
  ok, err = pcall(topo.up, {prefix = prefix, hosts = {"a"}, colour = "red"})
  assert(not ok and tostring(err):find("unknown spec field colour"), tostring(err))
  assert_gone(t, prefix)
end

function test_prefixes_keep_labs_apart(t)
  local p1, p2 = t:name() .. "-", t:name() .. "-"
  local spec = function(p)
    return {prefix = p, hosts = {"a", "b"}, links = {{"a", "b", ip = {"10.5.0.1/24", "10.5.0.2/24"}}}}
  end
  local l1, l2 = topo.up(spec(p1)), topo.up(spec(p2))
  t:cleanup(function() l1:down(); l2:down() end)
  l1:down()
  assert_gone(t, p1)
  ping(t, l2.hosts.a, "10.5.0.2")
  l2:down()
  assert_gone(t, p2)
end

function test_hosts_joined_to_the_host(t)
  -- The W2 shape: each host joined to the shell's namespace by a veth pair.
  local prefix = t:name() .. "-"
  local hosts, links = {}, {}
  for i = 1, 5 do
    hosts[i] = "h" .. i
    links[i] = {"host", "h" .. i, ip = {"10.213." .. i .. ".1/30", "10.213." .. i .. ".2/30"}}
  end
  topo.with({prefix = prefix, hosts = hosts, links = links}, function(lab)
    local l = link.get(prefix .. "h3")
    assert(l.type == "veth" and l.state == "UP", l.state)
    assert(lab.hosts.h3:addr() == "10.213.3.2")
    ping(t, lab.hosts.h3, "10.213.3.1")
  end)
  assert_gone(t, prefix)
end
