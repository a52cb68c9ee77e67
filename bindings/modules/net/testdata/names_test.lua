-- Strings that reach the kernel as names are checked first: a NUL byte
-- (the kernel would cut the name there and act on another object), an
-- empty name and one over the kernel's limit are refused as misuse of the
-- argument, before any system call: the error has arg set and no errno,
-- and nothing changed.

local long_if = string.rep("x", 16)
local long_path = "/tmp/" .. string.rep("p", 5000)

-- bad_names are the three ways a name is refused, for an interface name.
local bad_if = {"", "a\0x", long_if}

local function refused(t, what, fn, ...)
  local before = #link.list()
  local ok, err = pcall(fn, ...)
  if ok then t:fatal(what .. ": accepted") end
  if type(err) ~= "userdata" or not err.arg or err.errno then
    t:fatal(what .. ": want misuse of an argument, without errno: " .. tostring(err))
  end
  if #link.list() ~= before then t:fatal(what .. ": the host's links changed") end
end

function test_interface_names(t)
  local lab = t:name()
  netns.add(lab)
  t:cleanup(function() netns.del(lab) end)
  link.add{ns = lab, name = "real0", type = "bridge"}
  for _, bad in ipairs(bad_if) do
    local q = string.format("%q", bad)
    refused(t, "link.add name " .. q, link.add, {ns = lab, name = bad, type = "bridge"})
    refused(t, "link.add peer " .. q, link.add, {ns = lab, name = "v0", type = "veth", peer = bad})
    refused(t, "link.add master " .. q, link.add, {ns = lab, name = "v0", type = "bridge", master = bad})
    refused(t, "link.add parent " .. q, link.add, {ns = lab, name = "v0", type = "macvlan", parent = bad})
    refused(t, "link.add dev " .. q, link.add, {ns = lab, name = "v0", type = "vxlan", id = 5, dev = bad})
    refused(t, "link.set name " .. q, link.set, bad, {ns = lab, up = true})
    refused(t, "link.set rename " .. q, link.set, "real0", {ns = lab, name = bad})
    refused(t, "link.set master " .. q, link.set, "real0", {ns = lab, master = bad})
    refused(t, "link.del " .. q, link.del, bad, {ns = lab})
    refused(t, "link.get " .. q, link.get, bad, {ns = lab})
    refused(t, "addr.add " .. q, addr.add, bad, "10.0.0.1/24", {ns = lab})
    refused(t, "addr.del " .. q, addr.del, bad, "10.0.0.1/24", {ns = lab})
    refused(t, "addr.list " .. q, addr.list, bad, {ns = lab})
    refused(t, "route.add dev " .. q, route.add, {ns = lab, dst = "10.1.0.0/16", dev = bad})
    refused(t, "route.list dev " .. q, route.list, {ns = lab, dev = bad})
  end
  -- "a\0x" names no link, and the link "a" is still there.
  link.add{ns = lab, name = "a", type = "bridge"}
  refused(t, "link.del a\\0other", link.del, "a\0other", {ns = lab})
  assert(link.get("a", {ns = lab}).name == "a")
end

function test_namespace_names_and_paths(t)
  local long_name = string.rep("n", 256)
  for _, bad in ipairs({"", "a\0b", long_name}) do
    local q = string.format("%q", bad)
    for _, fn in ipairs({"add", "del", "get", "pids", "set_id"}) do
      refused(t, "netns." .. fn .. " " .. q, netns[fn], bad, 1)
    end
    refused(t, "netns.exec " .. q, netns.exec, bad, "true")
    refused(t, "netns.with " .. q, netns.with, bad, function() end)
    refused(t, "ns= " .. q, link.list, {ns = bad})
    refused(t, "join= " .. q, ns.run, {"true", join = bad})
  end
  for _, bad in ipairs({"", "/tmp/a\0b", long_path}) do
    local q = string.format("%q", bad:sub(1, 20))
    refused(t, "ns.open " .. q, ns.open, bad)
    refused(t, "ns.unpin " .. q, ns.unpin, bad)
    refused(t, "ns.pin " .. q, ns.pin, 1, "net", bad)
    refused(t, "ns.run stdout " .. q, ns.run, {"true", stdout = bad})
    refused(t, "ns.run dir " .. q, ns.run, {"true", dir = bad})
    refused(t, "ns.run root " .. q, ns.run, {"true", root = bad})
    refused(t, "ns= path " .. q, link.list, {ns = bad})
  end
  refused(t, "hostname NUL", ns.run, {"true", new = {"uts"}, hostname = "a\0b"})
  refused(t, "hostname long", ns.run, {"true", new = {"uts"}, hostname = string.rep("h", 65)})
  refused(t, "sysctl key NUL", net.sysctl, "net.ipv4.ip_forward\0x")
end
