-- Tests of link, addr and route through the Lua API: bad input gives clear
-- errors and leaves nothing half-made; ns= takes a name, a handle or a pid,
-- and defaults to the namespace the shell is in at call time.

-- lab makes a named netns removed when the test ends.
local function lab(t)
  local name = t:name()
  local h = netns.add(name)
  t:cleanup(function() h:close(); netns.del(name) end)
  return name, h
end

-- names lists the link names of ns, sorted and joined.
local function names(ns)
  local out = {}
  for _, l in ipairs(link.list{ns = ns}) do out[#out + 1] = l.name end
  table.sort(out)
  return table.concat(out, " ")
end

-- raises runs f(...) and returns its error, failing when it succeeds.
function test_kernel_errors_name_object_and_namespace(t)
  local a = lab(t)
  link.add{ns = a, name = "veth0", type = "bridge"}
  local err = t:raises(link.add, {ns = a, name = "veth0", type = "bridge"})
  t:expect(err, "link.add: veth0: file exists (in netns " .. a .. ")")
  assert(err.errno == "EEXIST" and err.op == "link.add" and err.target == "veth0")
  err = t:raises(addr.add, "eth9", "10.0.0.1/24", {ns = a})
  t:expect(err, "addr.add: eth9: no such device (in netns " .. a .. ")")
  assert(err.errno == "ENODEV")
  err = t:raises(link.del, "ghost", {ns = a})
  t:expect(err, "link.del: ghost: no such device")
  err = t:raises(route.add, {ns = a, dst = "10.0.0.0/8", via = "10.9.9.9"})
  t:expect(err, "route.add: 10.0.0.0/8: network is unreachable")
  assert(names(a) == "lo veth0", names(a))
end

-- Each link type is tested for what this kernel has, decided by probing
-- (creating one in a namespace made for the probe), never assumed: a type
-- the kernel has is created, read back, checked with ip -d -o link and
-- deleted; one it lacks fails with the clear error and leaves nothing.
function test_link_types_by_probe(t)
  local a = lab(t)
  link.add{ns = a, name = "p0", type = "veth", peer = "p1"}
  local configs = {dummy = "CONFIG_DUMMY", vlan = "CONFIG_VLAN_8021Q", ipvlan = "CONFIG_IPVLAN", bond = "CONFIG_BONDING"}
  for _, spec in ipairs({
    {name = "d0", type = "dummy"}, {name = "vl0", type = "vlan", parent = "p0", id = 5},
    {name = "iv0", type = "ipvlan", parent = "p0", mode = "l2"}, {name = "bo0", type = "bond"},
  }) do
    local probe = lab(t)
    link.add{ns = probe, name = "p0", type = "veth", peer = "p1"}
    spec.ns = probe
    local has = pcall(link.add, spec)
    spec.ns = a
    if has then
      link.add(spec)
      local l = link.get(spec.name, {ns = a})
      assert(l.type == spec.type, nsh.repr(l))
      local r = ns.run{"ip", "-n", a, "-d", "-o", "link", "show", "dev", spec.name}
      assert(r.code == 0 and r.stdout:find(" " .. spec.type .. " ", 1, true), tostring(r.stdout) .. tostring(r.stderr))
      link.del(spec.name, {ns = a})
    else
      local err = t:raises(link.add, spec)
      t:expect(err, "link.add: " .. spec.name .. ": not supported by this kernel: " .. spec.type .. " (" .. configs[spec.type] .. ")")
      assert(err.errno == "EOPNOTSUPP" or err.errno == "ENOTSUP", err.errno)
    end
  end
  assert(names(a) == "lo p0 p1", names(a))
end

function test_failed_veth_leaves_no_lone_end(t)
  local a, b = lab(t), lab(t)
  link.add{ns = b, name = "taken", type = "bridge"}
  local err = t:raises(link.add, {ns = a, name = "e0", type = "veth", peer = "taken", peer_ns = b})
  t:expect(err, "link.add: e0: file exists")
  -- a master that cannot take the link: created, then removed again
  link.add{ns = a, name = "m0", type = "veth", peer = "m1"}
  t:raises(link.add, {ns = a, name = "s0", type = "veth", peer = "s1", master = "m0"})
  assert(names(a) == "lo m0 m1", names(a))
  assert(names(b) == "lo taken", names(b))
end

function test_bad_input_is_refused_before_the_kernel(t)
  local a = lab(t)
  local cases = {
    {link.add, {{ns = a, name = "a/b", type = "bridge"}}, "bad argument #1", "contains '/'"},
    {link.add, {{ns = a, name = "abcdefghijklmnop", type = "bridge"}}, "bad argument #1", "longer than 15 bytes"},
    {link.add, {{ns = a, name = "x0", type = "frob"}}, "bad argument #1", "unknown link type 'frob'"},
    {link.add, {{ns = a, name = "x0", type = "veth"}}, "bad argument #1", "'peer' is required"},
    {link.add, {{ns = a, name = "x0", type = "bridge", mtu = "big"}}, "bad argument #1", "'mtu' must be an integer"},
    {link.add, {{ns = a, name = "x0", type = "bridge", colour = 1}}, "bad argument #1", "unknown option 'colour'"},
    {link.add, {{ns = a, name = "x0", type = "bridge", address = "zz"}}, "bad argument #1", "invalid MAC address"},
    {addr.add, {"lo", "10.0.0.300/24", {ns = a}}, "bad argument #2", "invalid address"},
    {addr.add, {"lo", "10.0.0.1/33", {ns = a}}, "bad argument #2", "invalid address"},
    {route.add, {{ns = a, dst = "10.0.0.0/8", via = "nowhere"}}, "bad argument #1", "invalid IP address"},
    {route.add, {{ns = a, via = "10.0.0.1"}}, "bad argument #1", "'dst' is required"},
    {link.add, {{ns = "/etc", name = "x0", type = "bridge"}}, "link.add: /etc:", "not a namespace file"},
    {link.add, {{ns = "../etc", name = "x0", type = "bridge"}}, "link.add: ../etc:", "no such file or directory"},
    {link.list, {{ns = true}}, "bad argument #1", "a netns name or a namespace file path expected, got boolean"},
    -- netlink's attributes are 32 bits: an mtu of 2^33 used to become 0 and
    -- silently take IPv4 off lo; a group of 2^32 would become 0.
    {link.set, {"lo", {ns = a, mtu = 2^33}}, "bad argument #2", "'mtu' must be an integer from 0 to 4294967295"},
    {link.add, {{ns = a, name = "x0", type = "bridge", group = 2^32}}, "bad argument #1", "'group' must be an integer"},
    {route.add, {{ns = a, dst = "10.0.0.0/8", dev = "lo", metric = 2^40}}, "bad argument #1", "'metric' must be an integer"},
    {link.set, {"lo", {ns = a, master = "x", nomaster = true}}, "bad argument #2", "master and nomaster together"},
    {link.add, {{ns = a, name = "x0", type = "bridge", address = "01:00:5e:00:00:01"}}, "bad argument #1", "is a multicast address"},
  }
  for i, c in ipairs(cases) do
    local err = t:raises(c[1], unpack(c[2]))
    t:expect(err, c[3]); t:expect(err, c[4])
  end
  local err = t:raises(link.add, {ns = a .. "-missing", name = "x0", type = "bridge"})
  t:expect(err, "link.add: netns " .. a .. "-missing: no such network namespace")
  assert(err.errno == "ENOENT")
  err = t:raises(link.list, {ns = 2147483000})
  t:expect(err, "no such process")
  assert(names(a) == "lo", names(a))
  local lo = link.get("lo", {ns = a})
  assert(lo.mtu == 65536, "a refused mtu changed lo: " .. lo.mtu)
end

function test_ns_as_name_handle_pid_and_default(t)
  local a, h = lab(t)
  link.add{ns = h, name = "viaH", type = "bridge"}
  assert(link.get("viaH", {ns = a}).type == "bridge")
  local p = ns.spawn{"sleep", "30", join = h}
  t:cleanup(function() p:kill(); p:wait() end)
  assert(link.get("viaH", {ns = p.pid}).name == "viaH")
  -- Without ns=, calls act where the shell is at call time.
  ns.with(h, function()
    link.add{name = "here", type = "bridge"}
    assert(link.get("here").type == "bridge")
  end)
  assert(names(a) == "here lo viaH", names(a))
  assert(not pcall(link.get, "here"))
end

function test_set_move_and_records(t)
  local a, b = lab(t), lab(t)
  link.add{ns = a, name = "br0", type = "bridge", up = true}
  link.add{ns = a, name = "x0", type = "veth", peer = "x1", up = true}
  link.set("x0", {ns = a, master = "br0", mtu = 1300})
  local x0 = link.get("x0", {ns = a})
  assert(x0.master == "br0" and x0.mtu == 1300 and x0.peer == "x1" and x0.type == "veth", nsh.repr(x0))
  link.set("x0", {ns = a, nomaster = true, up = false})
  x0 = link.get("x0", {ns = a})
  assert(x0.master == nil and x0.state == "DOWN", nsh.repr(x0))
  link.set("x1", {ns = a, move_to = b, name = "eth1"})
  -- the rename happens first, the move last
  assert(link.get("eth1", {ns = b}).type == "veth")
  assert(names(a) == "br0 lo x0", names(a))
end
