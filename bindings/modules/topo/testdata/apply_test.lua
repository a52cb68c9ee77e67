-- topo.plan and topo.apply: a live lab converges to an edited spec, and
-- ends up as a fresh build of that spec would be, as ip(8) and tc(8) see it.

local function spec1(p)
  return {prefix = p, hosts = {a = {gw = "10.0.0.254"}, "b", "c"}, switches = {"s"}, routers = {"r"},
    links = {{"a", "s", ip = {"10.0.0.1/24"}, rate = "20mbit"}, {"b", "s", ip = {"10.0.0.2/24"}},
      {"c", "s", ip = {"10.0.0.3/24"}}, {"r", "s", ip = {"10.0.0.254/24"}}}}
end

-- spec2 adds host d, changes b's address, removes c's link, changes a's rate.
local function spec2(p)
  return {prefix = p, hosts = {a = {gw = "10.0.0.254"}, "b", "c", "d"}, switches = {"s"}, routers = {"r"},
    links = {{"a", "s", ip = {"10.0.0.1/24"}, rate = "10mbit"}, {"b", "s", ip = {"10.0.0.12/24"}},
      {"r", "s", ip = {"10.0.0.254/24"}}, {"d", "s", ip = {"10.0.0.4/24"}}}}
end

local function sh(cmd)
  local r = ns.run{"/bin/sh", "-c", cmd, stdout = "capture", stderr = "capture"}
  assert(r.code == 0, cmd .. ": " .. tostring(r.stderr))
  return r.stdout
end

-- view is what ip and tc show of every namespace of a lab, without what
-- differs between two builds of one spec: ifindexes, MACs, link-local
-- addresses and the prefix.
local function view(prefix, nodes)
  local out = {}
  for _, n in ipairs(nodes) do
    local ns = prefix .. n
    local v = sh("ip -n " .. ns .. " -br addr; ip -n " .. ns .. " route; ip -n " .. ns .. " -br link | awk '{print $1, $2}';" ..
      " for d in $(ls /sys/class/net 2>/dev/null | head -0); do :; done;" ..
      " ip netns exec " .. ns .. " tc qdisc show | grep -E 'tbf|netem|pfifo ' || true")
    v = v:gsub("@if%d+", ""):gsub("fe80::%S+", ""):gsub("%x%x:%x%x:%x%x:%x%x:%x%x:%x%x", "MAC")
      :gsub(prefix:gsub("%p", "%%%0"), "P-"):gsub("[ \t]+", " ")
    out[#out + 1] = "== " .. n .. "\n" .. v
  end
  return table.concat(out, "\n")
end

function test_apply_converges_to_a_fresh_build(t)
  topo.labs_dir = t:tempdir()
  local p, q = t:name() .. "-", t:name() .. "-"
  local lab, changes = topo.apply(spec1(p))
  t:cleanup(function() pcall(function() topo.attach(p):down() end); pcall(lab.down, lab) end)
  assert(#changes > 0)
  assert(#topo.plan(spec1(p)) == 0, "a lab just applied has nothing to change")
  local planned = topo.plan(spec2(p))
  local seen = {}
  for _, c in ipairs(planned) do seen[c.op .. " " .. c.what .. " " .. c.name] = c.detail or "" end
  assert(seen["add node d"] == "host", "plan lacks the new host")
  assert(seen["remove link c:eth0 - s:p3"], "plan lacks the removed link")
  assert(seen["remove address b:eth0"] == "10.0.0.2/24" and seen["add address b:eth0"] == "10.0.0.12/24")
  assert(seen["change shaping a:eth0"] == "rate 10Mbit")
  -- plan makes nothing
  assert(#topo.plan(spec2(p)) == #planned)
  local applied
  lab, applied = topo.apply(spec2(p))
  assert(#applied == #planned)
  assert(#topo.plan(spec2(p)) == 0, "applying the same spec twice changes nothing")
  local fresh = topo.up(spec2(q))
  t:cleanup(function() fresh:down() end)
  local nodes = {"a", "b", "c", "d", "r", "s"}
  local got, want = view(p, nodes), view(q, nodes)
  assert(got:find("10.0.0.12/24", 1, true) and got:find("tbf", 1, true) and got:find("default via 10.0.0.254", 1, true), got)
  if got ~= want then t:fatal("applied lab differs from a fresh build:\n" .. got .. "\n---- fresh:\n" .. want) end
  local r = lab:exec("d", "ping", "-c1", "-W2", "10.0.0.12", {stdout = "capture", stderr = "capture"})
  assert(r.code == 0, "d cannot reach b's new address")
  lab:down()
  assert(#topo.list() == 1, "only the fresh lab is left on disk")
end
