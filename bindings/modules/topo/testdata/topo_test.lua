-- Tests of the topo DSL against the real kernel, cross-checked with ip(8).
-- Every lab's prefix carries the test run's prefix, so the leak check sees
-- anything left behind.

-- ip runs ip(8) with args and returns its output.
local function ip(...)
  local r = ns.run{"ip", capture = true, ...}
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
  local r = node:run("ping -c1 -W2 " .. addr, {capture = true})
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
  -- The kernel refuses the last step (a gateway no link reaches), after the
  -- namespaces, the pair on the host and the addresses are made.
  local ok, err = pcall(topo.up, {prefix = prefix, hosts = {"a", b = {gw = "10.99.0.1"}},
    switches = {s = {host = true}}, links = {{"a", "s", ip = {"10.4.0.1/24"}}, {"b", "s", ip = {"10.4.0.2/24"}}}})
  assert(not ok and err.errno == "ENETUNREACH", tostring(err))
  t:expect(err, "route.add: default: network is unreachable (in netns " .. prefix .. "b)")
  assert_gone(t, prefix)
end

-- Every spec error is found before anything is made, and says where.
function test_bad_specs_make_nothing(t)
  local p = t:name() .. "-"
  local ab = {"a", "b"}
  local cases = {
    {{prefix = p, hosts = {"a"}, links = {{"a", "nowhere"}}}, "links[1]: unknown node nowhere"},
    {{prefix = p, hosts = {"a"}, colour = "red"}, "unknown spec field colour"},
    {{prefix = p, hosts = {"a", "a"}}, "node name a used twice"},
    {{prefix = p, hosts = {"a"}, routers = {"a"}}, "node name a used twice"},
    {{prefix = p, hosts = {"a/b"}}, "hosts: bad node name a/b"},
    {{prefix = p, hosts = {"é"}}, "hosts: bad node name é"},
    {{prefix = p, hosts = {host = {}}}, "'host' is the shell's own namespace"},
    {{prefix = string.rep("p", 300), hosts = {"a"}}, "host a: namespace name " .. string.rep("p", 300) .. "a: invalid netns name: longer than 255 bytes"},
    {{prefix = "a/b", hosts = {"a"}}, "prefix must be a string without '/'"},
    {{prefix = p, keep = "yes", hosts = {"a"}}, "keep must be a boolean"},
    {{prefix = p, hosts = {a = {colour = 1}}}, "host a: unknown option colour"},
    {{prefix = p, hosts = {a = {gw = "nope"}}}, "host a: gw: invalid IP address \"nope\""},
    {{prefix = p, hosts = {a = {routes = "x"}}}, "host a: routes must be a list"},
    {{prefix = p, hosts = {a = {routes = {{via = "10.0.0.1"}}}}}, "host a: routes[1]: dst is required"},
    {{prefix = p, hosts = {a = {routes = {{dst = "10.0.0.0/99"}}}}}, "host a: routes[1]: dst: invalid address"},
    {{prefix = p, hosts = ab, links = {{"a", "b", ip = {"10.0.0.1/24", "zz"}}}}, "links[1]: invalid address \"zz\""},
    {{prefix = p, hosts = ab, links = {{"a", "b", ip = {"10.0.0.1/24"}}, {"a", "b", ip = {"10.0.0.1/24"}}}},
      "links[2]: address 10.0.0.1 used twice in a"},
    {{prefix = p, hosts = ab, links = {{"a:x", "b"}, {"a:x", "b"}}}, "links[2]: interface name x used twice in a"},
    {{prefix = p, hosts = ab, links = {{"a:lo", "b"}}}, "links[1]: interface name lo used twice in a"},
    {{prefix = p, hosts = ab, links = {{"a:..", "b"}}}, "links[1]: interface name \"..\" is not valid"},
    {{prefix = p, hosts = ab, links = {{"a:abcdefghijklmnop", "b"}}}, "links[1]: interface name \"abcdefghijklmnop\" is not valid (link name longer than 15 bytes)"},
    {{prefix = p, hosts = ab, links = {{"a", "b", mtu = 2^33}}}, "links[1]: mtu must be an integer from 1 to 65535"},
    {{prefix = p, hosts = ab, links = {{"a", "b", colour = 1}}}, "links[1]: unknown field colour"},
    {{prefix = p, hosts = ab, links = {{"a"}}}, "links[1]: endpoints must be strings"},
    {{prefix = p .. "0123456789", switches = {s = {host = true}}}, "switch s: interface name"},
  }
  for i, c in ipairs(cases) do
    local ok, err = pcall(topo.up, c[1])
    if ok then err:down(); t:fatal("case " .. i .. " built a lab") end
    t:expect(err, "topo.up: " .. c[2])
  end
  assert_gone(t, p)
end

-- A lab that is down refuses its methods, and tearing it down again is a
-- no-op; a namespace of the same name made by someone else is not the lab's.
function test_down_lab(t)
  local p = t:name() .. "-"
  local lab = topo.up{prefix = p, hosts = {"a", "b"}, links = {{"a", "b", ip = {"10.7.0.1/24", "10.7.0.2/24"}}}}
  lab:down()
  lab:down()
  for _, f in ipairs({
    function() return lab.hosts.a:run("true") end,
    function() return lab.hosts.a:addr() end,
    function() return lab.hosts.a:with(function() end) end,
    function() return lab:with(function() end) end,
  }) do
    local ok, err = pcall(f)
    assert(not ok, "a method of a torn-down lab ran")
    t:expect(err, p .. ": the lab is torn down")
  end
  local theirs = netns.add(p .. "a")
  t:cleanup(function() theirs:close(); pcall(netns.del, p .. "a") end)
  local ok, err = pcall(topo.up, {prefix = p, hosts = {"a", "b"}})
  assert(not ok and err.errno == "EEXIST", tostring(err))
  assert(netns.get(p .. "a") == theirs, "a failed lab removed a namespace it did not make")
  assert(not pcall(netns.get, p .. "b"), "the failed lab left b")
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
  -- The shell runs in a namespace the test made, so the pings stay inside
  -- the test's own namespaces.
  local prefix, outer = t:name() .. "-", t:name()
  netns.add(outer):close()
  t:cleanup(function() netns.del(outer) end)
  local hosts, links = {}, {}
  for i = 1, 5 do
    hosts[i] = "h" .. i
    links[i] = {"host", "h" .. i, ip = {"10.213." .. i .. ".1/30", "10.213." .. i .. ".2/30"}}
  end
  netns.with(outer, function()
    topo.with({prefix = prefix, hosts = hosts, links = links}, function(lab)
      local l = link.get(prefix .. "h3")
      assert(l.type == "veth" and l.state == "UP", l.state)
      assert(lab.hosts.h3:addr() == "10.213.3.2")
      ping(t, lab.hosts.h3, "10.213.3.1")
    end)
  end)
  assert_gone(t, prefix)
  local left = ip("-n", outer, "-o", "link", "show")
  if left:find(prefix, 1, true) then t:fatal("host-side links left in " .. outer .. ":\n" .. left) end
end
