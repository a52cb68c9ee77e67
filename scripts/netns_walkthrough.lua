-- The `ip netns` walk-through: make a network namespace, look inside (only
-- lo, and it is down), run a command in it, and delete it again.
--
--   ip netns add ns1
--   ip netns exec ns1 ip link
--   ip netns del ns1
--
-- The namespace is called ns1-NNNNN so that it cannot collide with one
-- someone else has; it is removed even if a step fails.

local name = string.format("ns1-%05d", math.random(0, 99999))
local h = netns.add(name)

local ok, err = pcall(function()
  local listed = false
  for _, e in ipairs(netns.list()) do
    if e.name == name then listed = true end
  end
  print("ip netns list shows ns1: " .. tostring(listed))

  print("links inside:")
  for _, l in ipairs(link.list{ns = name}) do
    print(string.format("  %d: %s <%s> mtu %d state %s", l.index, l.name, table.concat(l.flags, ","), l.mtu, l.state))
  end

  print("ip link, run inside ns1:")
  -- like ip netns exec, the command writes to the shell's own output
  ns.run{"ip", "link", join = h}

  link.set("lo", {ns = name, up = true})
  print("after link.set('lo', {up = true}): lo is " .. link.get("lo", {ns = name}).state)
end)

h:close()
netns.del(name)
local gone = true
for _, e in ipairs(netns.list()) do
  if e.name == name then gone = false end
end
print("deleted: " .. tostring(gone))
if not ok then error(err, 0) end
