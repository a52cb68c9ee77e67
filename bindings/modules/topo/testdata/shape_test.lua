-- Shaped topo links: the fields of link.shape on a link shape both ends,
-- and a TCP transfer between two lab nodes runs near the rate.

function test_rate_shapes_both_ends_and_tcp_runs_near_it(t)
  local prefix = t:name() .. "-"
  local lab = topo.up{prefix = prefix, hosts = {"a", "b"},
    links = {{"a", "b", ip = {"10.0.0.1/24", "10.0.0.2/24"}, rate = "20mbit"}}}
  t:cleanup(function() lab:down() end)
  for _, n in ipairs({"a", "b"}) do
    local s = link.shape("eth0", {ns = lab.hosts[n].netns})
    assert(s.rate == "20Mbit", n .. ": " .. tostring(s.rate))
  end
  -- iperf3: a server in b for one test, a client in a sending 2.5 MB
  local server = ns.spawn{"iperf3", "-s", "-1", "-B", "10.0.0.2", "-p", "5201", join = lab.hosts.b.handle,
    stdout = "null", stderr = "null"}
  -- the server needs a moment to listen; iperf3 -J may exit 0 on "connection
  -- refused", so a try counts only when its report has a sum_received
  local function received(out)
    local ok, report = pcall(nsh.json.decode, out)
    return ok and type(report) == "table" and type(report["end"]) == "table" and report["end"].sum_received
  end
  local r, recv
  for _ = 1, 50 do
    r = lab.hosts.a:run({"timeout", "20", "iperf3", "-c", "10.0.0.2", "-p", "5201", "-n", "2500000", "-J"},
      {stdout = "capture", stderr = "capture"})
    recv = r.code == 0 and received(r.stdout)
    if recv then break end
    t:log("iperf3 client: " .. tostring(r.stdout):sub(1, 200) .. tostring(r.stderr))
    ns.run{"sleep", "0.1"}
  end
  server:kill() -- done with its one test, or never reached
  server:wait()
  if not recv then t:fatal("iperf3 -J printed no sum_received: " .. tostring(r.stdout):sub(1, 400) .. tostring(r.stderr)) end
  local mbit = recv.bits_per_second / 1e6
  t:log(string.format("TCP through a 20mbit link: %.2f Mbit/s", mbit))
  if mbit < 14 or mbit > 21 then t:fatal(string.format("throughput %.2f Mbit/s is not near 20", mbit)) end
end

function test_bad_shaping_makes_nothing(t)
  local prefix = t:name() .. "-"
  local function spec(l) return {prefix = prefix, hosts = {"a", "b"}, links = {l}} end
  t:expect(t:raises(topo.up, spec{"a", "b", rate = "fast"}), "topo.up: links[1]: rate: invalid rate \"fast\"")
  t:expect(t:raises(topo.up, spec{"a", "b", jitter = "1ms"}), "links[1]: jitter needs a delay")
  t:expect(t:raises(topo.up, spec{"a", "b", rte = "1mbit"}), "links[1]: unknown field rte")
  local r = ns.run{"tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms", new = {"net"},
    stdout = "null", stderr = "null"}
  if r.code == 0 then -- this kernel has netem: the spec builds
    local lab = topo.up(spec{"a", "b", rate = "1mbit", loss = 1})
    assert(link.shape("eth0", {ns = lab.hosts.a.netns}).loss == 1)
    lab:down()
  else
    t:expect(t:raises(topo.up, spec{"a", "b", rate = "1mbit", loss = 1}),
      "topo.up: links[1]: not supported by this kernel: netem (CONFIG_NET_SCH_NETEM)")
  end
  for _, n in ipairs(netns.list()) do
    if tostring(n.name or n):find(prefix, 1, true) then t:fatal("left behind: " .. tostring(n.name or n)) end
  end
end
