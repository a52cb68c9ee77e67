-- A lab's state as records, its graph as DOT, Mermaid and SVG, and
-- commands on its nodes.

local function spec(prefix)
  return {prefix = prefix, hosts = {"a", "b"}, switches = {"s"},
    links = {{"a", "s", ip = {"10.0.0.1/24"}, rate = "10mbit"}, {"b", "s", ip = {"10.0.0.2/24"}},
      {"host", "a", ip = {"10.9.0.1/30", "10.9.0.2/30"}}}}
end

-- plain fails when v holds anything but tables, strings, numbers and
-- booleans: state must be JSON-able.
local function plain(t, v, path)
  local ty = type(v)
  if ty == "table" then
    for k, x in pairs(v) do
      if type(k) ~= "string" and type(k) ~= "number" then t:fatal(path .. ": key of type " .. type(k)) end
      plain(t, x, path .. "." .. tostring(k))
    end
  elseif ty ~= "string" and ty ~= "number" and ty ~= "boolean" then
    t:fatal(path .. ": value of type " .. ty)
  end
end

function test_state_is_plain_records_read_from_the_kernel(t)
  topo.with(spec(t:name() .. "-"), function(lab)
    local st = lab:state()
    plain(t, st, "state")
    assert(#st.nodes == 3 and #st.links == 3, #st.links)
    local l = st.links[1]
    assert(l.a == "a" and l.a_dev == "eth0" and l.b == "s" and l.b_dev == "p1" and l.state == "up")
    assert(l.a_addrs[1] == "10.0.0.1/24" and l.shape.rate == "10Mbit")
    assert(st.links[3].a == "host" and st.links[3].b_addrs[1] == "10.9.0.2/30")
    -- a change made behind the lab's back shows
    addr.add("eth0", "10.0.0.11/24", {ns = lab.hosts.a.netns})
    link.unshape("eth0", {ns = lab.hosts.a.netns})
    st = lab:state()
    assert(#st.links[1].a_addrs == 2 and st.links[1].shape == nil)
  end)
end

function test_graph_dot_mermaid_and_svg(t)
  topo.with(spec(t:name() .. "-"), function(lab)
    local dot = lab:graph("dot")
    assert(dot:find('"a" -- "s" [taillabel="eth0 10.0.0.1/24", headlabel="p1", label="rate 10Mbit burst 12500"]', 1, true), dot)
    assert(dot:find('"host" [shape=house', 1, true), dot)
    local mm = lab:graph("mermaid")
    assert(mm:match("^graph LR\n"), mm)
    assert(mm:find('n1["a (host)"]', 1, true) and mm:find('n1 ---|"eth0 10.0.0.1/24 — p1 · rate 10Mbit burst 12500"| n3', 1, true), mm)
    local path = t:tempdir() .. "/lab.svg"
    local have_dot = io.open("/usr/bin/dot") or io.open("/usr/local/bin/dot")
    if have_dot then
      have_dot:close()
      assert(lab:graph("svg", path) == path)
      local svg = io.open(path):read("*a")
      assert(svg:find("<svg", 1, true) and svg:find("10.0.0.1/24", 1, true), svg:sub(1, 200))
    end
    -- without dot: how to get it
    local ok, err = pcall(lab.graph, lab, "svg", path, {dot = t:tempdir() .. "/no-dot"})
    assert(not ok and tostring(err):find("install Graphviz (apt-get install graphviz", 1, true), tostring(err))
    ok, err = pcall(lab.graph, lab, "png")
    assert(not ok and tostring(err):find("format must be dot, mermaid or svg", 1, true), tostring(err))
  end)
end

function test_exec_and_shell_run_on_a_node(t)
  topo.with(spec(t:name() .. "-"), function(lab)
    local r = lab:exec("a", "ip", "-o", "addr", "show", "dev", "eth0", {stdout = "capture"})
    assert(r.code == 0 and r.stdout:find("10.0.0.1/24", 1, true), tostring(r.stdout))
    r = lab:exec("b", "ping", "-c1", "-W2", "10.0.0.1", {stdout = "capture", stderr = "capture"})
    assert(r.code == 0, tostring(r.stdout))
    assert(lab:shell("a", "/bin/sh", "-c", "exit 3") == 3)
    assert(lab:shell("a", "/bin/sh", "-c", "ip -o link show eth1 >/dev/null") == 0)
    local ok, err = pcall(lab.exec, lab, "zz", "true")
    assert(not ok and tostring(err):find("no node zz", 1, true), tostring(err))
  end)
end
