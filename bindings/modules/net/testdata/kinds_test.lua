-- macvlan (bridge mode) and vxlan links made by link.add, cross-checked
-- with ip -d -j link show.

local function lab(t)
  local name = t:name()
  local h = netns.add(name)
  t:cleanup(function() h:close(); netns.del(name) end)
  return name
end

-- ipd returns ip -d -o link show dev DEV in netns name.
local function ipd(name, dev)
  local r = ns.run{"ip", "-n", name, "-d", "-o", "link", "show", "dev", dev, stdout = "capture", stderr = "capture"}
  assert(r.code == 0, tostring(r.stderr))
  return r.stdout
end

function test_macvlan_bridge_mode_joins_two_namespaces(t)
  local a, b = lab(t), lab(t)
  link.add{ns = a, name = "low0", type = "veth", peer = "low1", up = true}
  link.set("low1", {ns = a, up = true}) -- the lower device needs a carrier
  link.add{ns = a, name = "mv0", type = "macvlan", parent = "low0", mode = "bridge", up = true}
  link.add{ns = a, name = "mv1", type = "macvlan", parent = "low0", mode = "bridge"}
  link.set("mv1", {ns = a, move_to = b})
  link.set("mv1", {ns = b, up = true})
  local d = ipd(a, "mv0")
  assert(d:find("macvlan mode bridge", 1, true), d)
  addr.add("mv0", "10.7.0.1/24", {ns = a})
  addr.add("mv1", "10.7.0.2/24", {ns = b})
  -- bridge mode: two macvlans on one lower device reach each other
  local r = ns.run{"ip", "netns", "exec", a, "ping", "-c1", "-W2", "10.7.0.2", stdout = "capture", stderr = "capture"}
  assert(r.code == 0, tostring(r.stdout))
  local err = t:raises(link.add, {ns = a, name = "mv2", type = "macvlan", parent = "low0", mode = "bridges"})
  assert(tostring(err):find("macvlan mode \"bridges\"", 1, true), tostring(err))
  err = t:raises(link.add, {ns = a, name = "mv2", type = "macvlan", mode = "bridge"})
  assert(tostring(err):find("needs a parent", 1, true), tostring(err))
end

function test_vxlan_tunnel_between_two_namespaces(t)
  local a, b = lab(t), lab(t)
  local ha = netns.get(a)
  t:cleanup(function() ha:close() end)
  link.add{ns = a, name = "u0", type = "veth", peer = "u1", peer_ns = b, up = true}
  link.set("u1", {ns = b, up = true})
  addr.add("u0", "192.0.2.1/24", {ns = a})
  addr.add("u1", "192.0.2.2/24", {ns = b})
  link.add{ns = a, name = "vx0", type = "vxlan", id = 4242, remote = "192.0.2.2", ["local"] = "192.0.2.1", port = 4789, dev = "u0", up = true}
  link.add{ns = b, name = "vx0", type = "vxlan", id = 4242, remote = "192.0.2.1", ["local"] = "192.0.2.2", port = 4789, dev = "u1", up = true}
  local d = ipd(a, "vx0")
  for _, want in ipairs({"vxlan id 4242", "remote 192.0.2.2", "local 192.0.2.1", "dev u0", "dstport 4789"}) do
    assert(d:find(want, 1, true), "ip -d lacks " .. want .. ": " .. d)
  end
  addr.add("vx0", "10.8.0.1/24", {ns = a})
  addr.add("vx0", "10.8.0.2/24", {ns = b})
  local r = ns.run{"ip", "netns", "exec", a, "ping", "-c1", "-W2", "10.8.0.2", stdout = "capture", stderr = "capture"}
  assert(r.code == 0, "ping over vxlan: " .. tostring(r.stdout))
  local err = t:raises(link.add, {ns = a, name = "vx1", type = "vxlan", id = 1, remote = "239.1.1.1"})
  assert(tostring(err):find("multicast", 1, true), tostring(err))
  err = t:raises(link.add, {ns = a, name = "vx1", type = "vxlan", id = 1, group = "239.1.1.1"})
  assert(tostring(err):find("needs a parent", 1, true), tostring(err))
  err = t:raises(link.add, {ns = a, name = "vx1", type = "vxlan", id = 1, parent = "u0"})
  assert(tostring(err):find("does not apply to type \"vxlan\"", 1, true), tostring(err))
end
