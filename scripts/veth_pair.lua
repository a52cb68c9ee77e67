-- Two hosts joined by a veth pair, pinging each other, built with link and
-- addr directly:
--
--   ip netns add a; ip netns add b
--   ip -n a link add eth0 type veth peer name eth0 netns b
--   ip -n a addr add 10.0.0.1/24 dev eth0; ip -n a link set eth0 up
--   ip -n b addr add 10.0.0.2/24 dev eth0; ip -n b link set eth0 up
--   ip netns exec a ping -c1 10.0.0.2
--
-- The peer is born inside b (never created in a and moved). Both
-- namespaces are removed even if a step fails.

local tag = string.format("%05d", math.random(0, 99999))
local a, b = "veth-a-" .. tag, "veth-b-" .. tag
local made = {}

local ok, err = pcall(function()
  made[#made + 1] = netns.add(a)
  made[#made + 1] = netns.add(b)
  link.add{ns = a, name = "eth0", type = "veth", peer = "eth0", peer_ns = b, up = true}
  link.set("eth0", {ns = b, up = true})
  addr.add("eth0", "10.0.0.1/24", {ns = a})
  addr.add("eth0", "10.0.0.2/24", {ns = b})

  local e = link.get("eth0", {ns = a})
  print(string.format("a: eth0 %s, type %s, peer in another namespace: %s", addr.list("eth0", {ns = a})[1].address,
    e.type, tostring(e.peer:match("^if%d+$") ~= nil)))
  print(string.format("b: eth0 %s", addr.list("eth0", {ns = b})[1].address))

  for _, p in ipairs({{made[1], "a", "10.0.0.2"}, {made[2], "b", "10.0.0.1"}}) do
    local r = ns.run{"ping", "-c1", "-W2", p[3], join = p[1], capture = true}
    print(string.format("%s -> %s: %s", p[2], p[3], r.code == 0 and "ok" or "FAILED"))
  end
end)

for _, h in ipairs(made) do h:close() end
for _, n in ipairs({a, b}) do pcall(netns.del, n) end
if not ok then error(err, 0) end
