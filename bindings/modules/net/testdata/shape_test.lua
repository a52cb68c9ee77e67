-- Tests of link.shape and link.unshape against the real kernel, each
-- cross-checked with tc(8).

local function lab(t)
  local name = t:name()
  local h = netns.add(name)
  t:cleanup(function() h:close(); netns.del(name) end)
  link.add{ns = name, name = "v0", type = "veth", peer = "v1", up = true}
  return name
end

-- tc runs tc -j qdisc show dev DEV in netns name and returns its output.
local function tc(name, dev)
  local r = ns.run{"ip", "netns", "exec", name, "tc", "-j", "qdisc", "show", "dev", dev, stdout = "capture", stderr = "capture"}
  assert(r.code == 0, tostring(r.stderr))
  return r.stdout
end

local function num(json, key)
  return tonumber(json:match('"' .. key .. '":(%d+)'))
end

function test_rate_set_read_back_as_tc_reports_and_removed(t)
  local name = lab(t)
  local got = link.shape("v0", {ns = name, rate = "10mbit", burst = "32kb", limit = 50})
  assert(got.rate == "10Mbit" and got.limit == 50, got.rate)
  local j = tc(name, "v0")
  assert(j:find('"kind":"tbf"', 1, true), j)
  assert(num(j, "rate") * 8 == 10e6, j)
  assert(num(j, "burst") == got.burst, "tc burst " .. tostring(num(j, "burst")) .. " vs " .. got.burst)
  assert(j:find('"kind":"pfifo"', 1, true) and num(j, "limit") == 50, j)
  -- reading alone gives the same
  local again = link.shape("v0", {ns = name})
  assert(again.rate == got.rate and again.burst == got.burst and again.limit == 50)
  -- numbers read as tc reads bare numbers: bits per second, bytes
  got = link.shape("v0", {ns = name, rate = 8e6, burst = 20000})
  assert(got.rate == "8Mbit" and num(tc(name, "v0"), "rate") == 1e6)
  assert(got.limit == nil, "a field left out is unset")
  link.unshape("v0", {ns = name})
  assert(next(link.shape("v0", {ns = name})) == nil)
  assert(not tc(name, "v0"):find("tbf", 1, true))
  link.unshape("v0", {ns = name}) -- nothing to remove: fine
end

function test_malformed_fields_are_refused_naming_them(t)
  local name = lab(t)
  for _, c in ipairs({
    {{rate = "10mbt"}, "option 'rate': invalid rate \"10mbt\": unknown unit"},
    {{rate = true}, "option 'rate' must be a string or a number, got boolean"},
    {{delay = "soon"}, "option 'delay'"},
    {{loss = "101%"}, "option 'loss'"},
    {{burst = "1500", rate = "1mbit", limit = -1}, "option 'limit'"},
    {{rats = "1mbit"}, "unknown option 'rats'"},
    {{jitter = "5ms"}, "jitter needs a delay"},
    {{rate = "1mbit", burst = 100}, "less than one full-size frame"},
  }) do
    c[1].ns = name
    local err = t:raises(link.shape, "v0", c[1])
    t:expect(err, c[2])
    assert(err.op == "link.shape" and err.arg == 2, tostring(err))
  end
  t:expect(t:raises(link.shape, "ghost0", {ns = name, rate = "1mbit"}), "link.shape: ghost0: no such device")
  assert(next(link.shape("v0", {ns = name})) == nil, "nothing was set")
end

-- netem_here probes the kernel with tc itself, independently of nsh.
local function netem_here(name)
  local r = ns.run{"ip", "netns", "exec", name, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms", stdout = "capture", stderr = "capture"}
  if r.code == 0 then
    ns.run{"ip", "netns", "exec", name, "tc", "qdisc", "del", "dev", "lo", "root", stdout = "capture", stderr = "capture"}
  end
  return r.code == 0
end

function test_netem_fields_or_the_clear_unsupported_error(t)
  local name = lab(t)
  local spec = {ns = name, rate = "20mbit", delay = "20ms", jitter = "2ms", loss = 1}
  if netem_here(name) then
    t:log("this kernel has netem")
    local got = link.shape("v0", spec)
    assert(got.delay == "20ms" and got.jitter == "2ms" and got.loss == 1 and got.rate == "20Mbit")
    local j = tc(name, "v0")
    assert(j:find('"kind":"netem"', 1, true), j)
  else
    t:log("this kernel lacks netem")
    local err = t:raises(link.shape, "v0", spec)
    t:expect(err, "link.shape: v0: not supported by this kernel: netem (CONFIG_NET_SCH_NETEM)")
    assert(err.errno == "EOPNOTSUPP" or err.errno == "ENOTSUP", err.errno)
    assert(next(link.shape("v0", {ns = name})) == nil, "nothing half-made")
  end
end
