-- A LAN: three hosts on one switch (a bridge in its own namespace), every
-- host pinging every other. topo.with tears it all down afterwards, also if
-- a step fails or the script is interrupted.

local spec = {
  hosts = {"h1", "h2", "h3"},
  switches = {"sw"},
  links = {
    {"sw", "h1", ip = {false, "10.0.1.1/24"}},
    {"sw", "h2", ip = {false, "10.0.1.2/24"}},
    {"sw", "h3", ip = {false, "10.0.1.3/24"}},
  },
}

topo.with(spec, function(lab)
  local ports = {}
  for _, l in ipairs(link.list{ns = lab.switches.sw.netns}) do
    if l.master == "br0" then ports[#ports + 1] = l.name end
  end
  table.sort(ports)
  print("switch br0 ports: " .. table.concat(ports, " "))
  for _, from in ipairs({"h1", "h2", "h3"}) do
    for _, to in ipairs({"h1", "h2", "h3"}) do
      if from ~= to then
        local dst = lab.hosts[to]:addr()
        local r = lab.hosts[from]:run("ping -c1 -W2 " .. dst, {capture = true})
        print(string.format("%s -> %s (%s): %s", from, to, dst, r.code == 0 and "ok" or "FAILED"))
      end
    end
  end
end)
print("torn down")
