-- macvlan links in topo specs: nodes on one parent device (bridge mode).

function test_macvlan_links_on_one_parent_reach_each_other(t)
  local prefix = t:name() .. "-"
  topo.labs_dir = t:tempdir()
  topo.with({prefix = prefix, hosts = {"h1", "h2", "x"}, routers = {"r"},
    links = {
      {"r", "x"}, -- r's eth0 is the parent; its veth peer gives it a carrier
      {"h1", "r:eth0", kind = "macvlan", ip = {"10.5.0.1/24"}},
      {"h2", "r:eth0", kind = "macvlan", ip = {"10.5.0.2/24"}, rate = "10mbit"},
    }}, function(lab)
    local r = ns.run{"ip", "-n", prefix .. "h1", "-d", "-o", "link", "show", "dev", "eth0", stdout = "capture"}
    assert(r.stdout:find("macvlan mode bridge", 1, true), r.stdout)
    r = lab:exec("h1", "ping", "-c1", "-W2", "10.5.0.2", {stdout = "capture", stderr = "capture"})
    assert(r.code == 0, "h1 cannot reach h2 over macvlan: " .. tostring(r.stdout))
    assert(link.shape("eth0", {ns = lab.hosts.h2.netns}).rate == "10Mbit")
    local st = lab:state()
    assert(st.links[2].a_dev == "eth0" and st.links[2].state == "up", st.links[2].state)
  end)
  local ok, err = pcall(topo.up, {prefix = prefix, hosts = {"a", "b"}, links = {{"a", "b", kind = "macvlan"}}})
  assert(not ok and tostring(err):find("names its parent device", 1, true), tostring(err))
  ok, err = pcall(topo.up, {prefix = prefix, hosts = {"a", "b"}, links = {{"a", "b", kind = "ipip"}}})
  assert(not ok and tostring(err):find("kind must be veth or macvlan", 1, true), tostring(err))
end
