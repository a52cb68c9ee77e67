-- A router between two subnets: a on 10.1.0.0/24, b on 10.2.0.0/24, r in
-- the middle with forwarding on; each host's default route points at r.
-- Hosts on both sides reach each other; the lab is torn down afterwards.

local spec = {
  hosts = {
    a = {gw = "10.1.0.1"},
    b = {routes = {{dst = "10.1.0.0/24", via = "10.2.0.1"}}},
  },
  routers = {"r"},
  links = {
    {"a", "r", ip = {"10.1.0.2/24", "10.1.0.1/24"}},
    {"b", "r", ip = {"10.2.0.2/24", "10.2.0.1/24"}},
  },
}

topo.with(spec, function(lab)
  print("r forwards: " .. net.sysctl("net.ipv4.ip_forward", {ns = lab.routers.r.netns}))
  for _, n in ipairs({"a", "b"}) do
    print(n .. " routes:")
    for _, rt in ipairs(route.list{ns = lab.hosts[n].netns}) do
      if rt.family == "inet" then
        print(string.format("  %s%s dev %s", rt.dst, rt.via and (" via " .. rt.via) or "", rt.dev))
      end
    end
  end
  for _, p in ipairs({{"a", "b"}, {"b", "a"}}) do
    local dst = lab.hosts[p[2]]:addr()
    local r = lab.hosts[p[1]]:run("ping -c1 -W2 " .. dst, {capture = true})
    print(string.format("%s -> %s (%s): %s", p[1], p[2], dst, r.code == 0 and "ok" or "FAILED"))
  end
  local hop = route.get("10.2.0.2", {ns = lab.hosts.a.netns})
  print("a reaches 10.2.0.2 via " .. hop.via .. " on " .. hop.dev)
end)
print("torn down")
