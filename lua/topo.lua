-- The topology DSL: topo.up(spec) builds a lab of named network namespaces,
-- bridges, veth links, addresses and routes; topo.with(spec, fn) builds one,
-- runs fn, and always tears it down. It runs with the module table as its
-- argument. Teardown is the Go ledger's (topo._ledger): it deletes exactly
-- the namespaces and host-side links the build recorded, also when a
-- cancelled script can run no more Lua.
local topo, internal = ...

-- The modules topo builds with; package.loaded builds each at first use.
local loaded = package.loaded

local KINDS = {"hosts", "routers", "switches"}

-- Labs made or attached by this nsh, by prefix (weak: a lab dropped and
-- collected is not held).
topo._live = setmetatable({}, {__mode = "v"})
local KIND_OF = {hosts = "host", routers = "router", switches = "switch"}

-- fail raises a spec error; where in topo.lua it was found is no help to
-- the user, so it carries no position.
local function fail(fmt, ...)
  internal.fail("topo.up", nil, string.format(fmt, ...))
end

-- The options each kind of node takes, and the fields of a route.
local NODE_OPTS = {host = {gw = true, routes = true}, router = {gw = true, routes = true}, switch = {host = true}}
local ROUTE_FIELDS = {dst = true, via = true, dev = true, src = true, table = true, metric = true}

-- node_opts checks one node's options.
local function node_opts(kind, name, opts)
  for k in pairs(opts) do
    if not NODE_OPTS[kind][k] then fail("%s %s: unknown option %s", kind, name, tostring(k)) end
  end
  if opts.gw ~= nil then
    if type(opts.gw) ~= "string" then fail("%s %s: gw must be an IP address string", kind, name) end
    local why = topo._check("ip", opts.gw)
    if why then fail("%s %s: gw: %s", kind, name, why) end
  end
  if opts.host ~= nil and type(opts.host) ~= "boolean" then fail("switch %s: host must be a boolean", name) end
  if opts.routes == nil then return end
  if type(opts.routes) ~= "table" then fail("%s %s: routes must be a list of {dst=, via=, dev=}", kind, name) end
  for i, r in ipairs(opts.routes) do
    if type(r) ~= "table" then fail("%s %s: routes[%d] must be a table", kind, name, i) end
    for k in pairs(r) do
      if not ROUTE_FIELDS[k] then fail("%s %s: routes[%d]: unknown field %s", kind, name, i, tostring(k)) end
    end
    if type(r.dst) ~= "string" then fail("%s %s: routes[%d]: dst is required", kind, name, i) end
    if r.dst ~= "default" then
      local why = topo._check("cidr", r.dst)
      if why then fail("%s %s: routes[%d]: dst: %s", kind, name, i, why) end
    end
    for _, f in ipairs({"via", "src"}) do
      if r[f] ~= nil then
        local why = "must be a string"
        if type(r[f]) == "string" then why = topo._check("ip", r[f]) end
        if why then fail("%s %s: routes[%d]: %s: %s", kind, name, i, f, why) end
      end
    end
  end
end

-- A name unlikely to collide with another lab's when the spec has none.
local function default_prefix()
  local digits = "0123456789abcdefghijklmnopqrstuvwxyz"
  local s = "lab"
  for _ = 1, 4 do
    local i = math.random(1, #digits)
    s = s .. digits:sub(i, i)
  end
  return s .. "-"
end

-- nodes_of reads hosts/routers/switches given as a list of names or a map
-- name -> options.
local function nodes_of(spec, kind, into, order)
  local given = spec[kind]
  if given == nil then return end
  if type(given) ~= "table" then fail("%s must be a table, got %s", kind, type(given)) end
  local names = {}
  for k, v in pairs(given) do
    local name, opts = k, v
    if type(k) == "number" then name, opts = v, {} end
    if type(name) ~= "string" or not name:match("^[%w_.-]+$") then
      fail("%s: bad node name %s (letters, digits, '_', '.', '-')", kind, tostring(name))
    end
    if type(opts) ~= "table" then fail("%s.%s: options must be a table, got %s", kind, name, type(opts)) end
    if name == "host" then fail("'host' is the shell's own namespace, not a node name") end
    if into[name] then fail("node name %s used twice", name) end
    node_opts(KIND_OF[kind], name, opts)
    into[name] = {name = name, kind = KIND_OF[kind], opts = opts, ports = 0}
    names[#names + 1] = name
  end
  table.sort(names)
  for _, n in ipairs(names) do order[#order + 1] = n end
end

-- endpoint splits "node" or "node:ifname".
local function endpoint(s, i, nodes)
  if type(s) ~= "string" then fail("links[%d]: endpoints must be strings like \"a\" or \"a:eth0\"", i) end
  local node, ifname = s:match("^([^:]+):(.+)$")
  node = node or s
  if node ~= "host" and not nodes[node] then fail("links[%d]: unknown node %s", i, node) end
  return node, ifname
end

-- addrs_of reads one end's addresses: nil/false, a CIDR, or a list of them.
local function addrs_of(v, i)
  if v == nil or v == false then return {} end
  if type(v) == "string" then return {v} end
  if type(v) == "table" then return v end
  fail("links[%d]: ip entries must be CIDR strings, lists of them, or false", i)
end

-- ifname_for picks the interface name of a link end on node n.
local function ifname_for(plan, n, peer)
  if n == "host" then
    plan.host_ports[peer] = (plan.host_ports[peer] or 0) + 1
    local name = plan.prefix .. peer
    if plan.host_ports[peer] > 1 then name = name .. "." .. plan.host_ports[peer] end
    return name
  end
  local node = plan.nodes[n]
  node.ports = node.ports + 1
  if node.kind == "switch" then
    -- a switch in the shell's namespace puts its ports there: they carry
    -- the prefix, as every name the lab makes on the host does
    if node.opts.host then return plan.prefix .. n .. "p" .. node.ports end
    return "p" .. node.ports
  end
  return "eth" .. (node.ports - 1)
end

-- claim_ifname checks an interface name and records it in the namespace
-- (a node's, or "host") that will hold it: two links must not share one.
local function claim_ifname(plan, where, name, what)
  local why = topo._check("ifname", name)
  if why then
    fail("%s: interface name %q is not valid (%s): use a shorter prefix or name the end (\"a:NAME\")",
      what, name, why)
  end
  local used = plan.ifnames[where]
  if not used then used = {lo = true}; plan.ifnames[where] = used end
  if used[name] then fail("%s: interface name %s used twice in %s", what, name, where) end
  used[name] = true
end

-- claim_addrs checks one end's addresses and refuses one given twice in a
-- namespace.
local function claim_addrs(plan, where, list, i)
  for _, cidr in ipairs(list) do
    if type(cidr) ~= "string" then fail("links[%d]: ip entries must be CIDR strings", i) end
    local why = topo._check("cidr", cidr)
    if why then fail("links[%d]: %s", i, why) end
    local ip = cidr:match("^[^/]+")
    local used = plan.addrs[where] or {}
    plan.addrs[where] = used
    if used[ip] then fail("links[%d]: address %s used twice in %s", i, ip, where) end
    used[ip] = true
  end
end

-- The fields of a link besides its two ends: addresses, MTU, and the
-- shaping link.shape sets (applied to both ends' egress).
local LINK_FIELD_LIST = "ip, mtu, kind, rate, burst, delay, jitter, loss, duplicate, reorder, limit"
local LINK_FIELDS = {}
for f in LINK_FIELD_LIST:gmatch("[%w_]+") do LINK_FIELDS[f] = true end

local machine_part

-- VXLAN_BASE is added to a link's position in the spec to make its VNI:
-- every machine reads the same spec, so both ends pick the same one.
local VXLAN_BASE = 4096

-- check_machines checks place, machines and machine.
local function check_machines(spec, plan)
  local place, machines = spec.place or {}, spec.machines or {}
  if type(place) ~= "table" then fail("place must be a table node -> machine") end
  if type(machines) ~= "table" then fail("machines must be a table name -> {underlay = IP}") end
  for m, opts in pairs(machines) do
    if type(opts) ~= "table" or type(opts.underlay) ~= "string" or topo._check("ip", opts.underlay) then
      fail("machines.%s: needs underlay = the machine's IP address on the underlay", tostring(m))
    end
  end
  for n, m in pairs(place) do
    if not plan.nodes[n] then fail("place: unknown node %s", tostring(n)) end
    if not machines[m] then fail("place.%s: unknown machine %s", n, tostring(m)) end
    if plan.nodes[n].opts.host then fail("place.%s: a switch in the shell's namespace cannot be placed", n) end
  end
  for _, n in ipairs(plan.order) do
    if not place[n] then fail("node %s has no place (place = {%s = MACHINE, …})", n, n) end
  end
  if spec.machine ~= nil and not machines[spec.machine] then
    fail("machine %s is not one of the spec's machines", tostring(spec.machine))
  end
  return place, machines
end

-- machine_part cuts plan down to the part spec.machine builds: its own
-- nodes, the links between them, and for a link to a node on another
-- machine a VXLAN tunnel end over the underlay (its local end first).
machine_part = function(spec, plan)
  local place, machines = check_machines(spec, plan)
  local me = spec.machine
  if not me then return end
  local here = function(n) return n == "host" or place[n] == me end
  local links = {}
  for i, l in ipairs(plan.links) do
    if here(l.a) and here(l.b) then
      links[#links + 1] = l
    elseif here(l.a) or here(l.b) then
      if not here(l.a) then
        l.a, l.b, l.ia, l.ib, l.ipa, l.ipb = l.b, l.a, l.ib, l.ia, l.ipb, l.ipa
      end
      if l.a == "host" then fail("links[%d]: the shell's namespace cannot take a tunnel to another machine", i) end
      l.cross = {vni = VXLAN_BASE + i, remote = machines[place[l.b]].underlay, ["local"] = machines[me].underlay,
        machine = place[l.b]}
      links[#links + 1] = l
    end
  end
  plan.links = links
  local order = {}
  for _, n in ipairs(plan.order) do
    if here(n) then order[#order + 1] = n else plan.nodes[n] = nil end
  end
  plan.order = order
  plan.machine = me
end

-- plan checks a spec completely and works out every name before anything
-- is made, so bad input leaves nothing behind.
local function plan_of(spec)
  if type(spec) ~= "table" then fail("spec must be a table, got %s", type(spec)) end
  local known = {prefix = true, keep = true, hosts = true, routers = true, switches = true, links = true,
    place = true, machines = true, machine = true}
  for k in pairs(spec) do
    if not known[k] then
      fail("unknown spec field %s (prefix, keep, hosts, routers, switches, links, place, machines, machine)", tostring(k))
    end
  end
  if spec.keep ~= nil and type(spec.keep) ~= "boolean" then fail("keep must be a boolean") end
  local prefix = spec.prefix or default_prefix()
  if type(prefix) ~= "string" or prefix:find("/") then fail("prefix must be a string without '/'") end
  local plan = {prefix = prefix, nodes = {}, order = {}, links = {}, host_ports = {}, ifnames = {}, addrs = {}}
  for _, kind in ipairs(KINDS) do nodes_of(spec, kind, plan.nodes, plan.order) end
  for _, n in ipairs(plan.order) do
    local node = plan.nodes[n]
    node.netns = prefix .. n
    node.where = n
    if node.kind == "switch" then
      node.bridge = node.opts.host and (prefix .. n) or "br0"
      if node.opts.host then node.netns = nil; node.where = "host" end
      claim_ifname(plan, node.where, node.bridge, "switch " .. n)
    end
    if node.netns then
      local why = topo._check("netns", node.netns)
      if why then fail("%s %s: namespace name %s: %s", node.kind, n, node.netns, why) end
    end
  end
  local links = spec.links or {}
  if type(links) ~= "table" then fail("links must be a list") end
  for i, l in ipairs(links) do
    if type(l) ~= "table" then fail("links[%d] must be a table", i) end
    local a, ia = endpoint(l[1], i, plan.nodes)
    local b, ib = endpoint(l[2], i, plan.nodes)
    local ip = l.ip or {}
    if type(ip) ~= "table" then fail("links[%d]: ip must be a list {addrA, addrB}", i) end
    if l.kind ~= nil and l.kind ~= "veth" and l.kind ~= "macvlan" then
      fail("links[%d]: kind must be veth or macvlan, got %s", i, tostring(l.kind))
    end
    local macvlan = l.kind == "macvlan"
    if macvlan and not ib then fail("links[%d]: a macvlan link names its parent device: {\"a\", \"b:eth0\", kind = \"macvlan\"}", i) end
    if macvlan and ip[2] then fail("links[%d]: a macvlan link has addresses on its own end only: ip = {addr}", i) end
    local lk = {
      a = a, b = b, mtu = l.mtu, kind = l.kind,
      ia = ia or ifname_for(plan, a, b), ib = ib or ifname_for(plan, b, a),
      ipa = addrs_of(ip[1], i), ipb = addrs_of(ip[2], i),
    }
    for k in pairs(l) do
      if k ~= 1 and k ~= 2 and not LINK_FIELDS[k] then fail("links[%d]: unknown field %s (%s)", i, tostring(k), LINK_FIELD_LIST) end
    end
    local shape, why = topo._shape(l)
    if why then fail("links[%d]: %s", i, why) end
    lk.shape = shape
    if l.mtu ~= nil and (type(l.mtu) ~= "number" or l.mtu ~= math.floor(l.mtu) or l.mtu < 1 or l.mtu > 65535) then
      fail("links[%d]: mtu must be an integer from 1 to 65535", i)
    end
    local wa = a == "host" and "host" or plan.nodes[a].where
    local wb = b == "host" and "host" or plan.nodes[b].where
    local what = "links[" .. i .. "]"
    claim_ifname(plan, wa, lk.ia, what)
    if not macvlan then claim_ifname(plan, wb, lk.ib, what) end
    claim_addrs(plan, wa, lk.ipa, i); claim_addrs(plan, wb, lk.ipb, i)
    plan.links[#plan.links + 1] = lk
  end
  if spec.place or spec.machines or spec.machine then machine_part(spec, plan) end
  return plan
end

-- Node methods.
local Node = {}
Node.__index = Node

-- nsh_keys returns the keys of a table, sorted.
local function nsh_keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks)
  return ks
end

-- live raises when the lab of node or lab t is torn down: its handles are
-- closed, and running in it would mean nothing.
local function live(t, method)
  if t._ledger:done() then
    internal.fail("lab:" .. method, t.prefix, "the lab is torn down")
  end
end

function Node:run(cmd, opts)
  live(self._lab, "run")
  local argv = cmd
  if type(cmd) == "string" then argv = {"/bin/sh", "-c", cmd} end
  if type(argv) ~= "table" then internal.argerror("node:run", 1, "command string or argv table expected, got " .. type(argv)) end
  local req = {}
  for i, a in ipairs(argv) do req[i] = a end
  for k, v in pairs(opts or {}) do req[k] = v end
  req.join = self.handle
  return loaded.ns.run(req)
end

function Node:with(fn, ...)
  live(self._lab, "with")
  return loaded.ns.with(self.handle, fn, ...)
end

function Node:addrs()
  live(self._lab, "addrs")
  return loaded.addr.list({ns = self.handle})
end

function Node:addr(dev)
  live(self._lab, "addr")
  local list = dev and loaded.addr.list(dev, {ns = self.handle}) or self:addrs()
  local v6
  for _, a in ipairs(list) do
    if a.scope == "global" then
      local ip = a.address:match("^[^/]+")
      if a.family == "inet" then return ip end
      v6 = v6 or ip
    end
  end
  return v6
end

-- Lab methods.
local Lab = {}
Lab.__index = Lab

function Lab:down()
  self._ledger:down()
end

function Lab:with(fn, ...)
  live(self, "with")
  return self._ledger:run(fn, self, ...)
end

-- iface_text renders an interface with its addresses: "eth0 10.0.0.1/24".
local function iface_text(ifname, addrs)
  if #addrs == 0 then return ifname end
  return ifname .. " " .. table.concat(addrs, ", ")
end

-- end_text renders one end of a link: "a:eth0 10.0.0.1/24".
local function end_text(node, ifname, addrs)
  return node .. ":" .. iface_text(ifname, addrs)
end

-- state_of says whether a lab is up, torn down, or up and kept at exit.
local function state_of(t)
  if t._ledger:done() then return "torn down" end
  return t._keep and "up, kept" or "up"
end

-- Lab.__nsh_repr is how nsh.pp and the REPL show a lab: its nodes with
-- their namespaces, and its links with interfaces and addresses.
function Lab.__nsh_repr(t)
  local lines = {string.format("lab %s (%s)", t.prefix, state_of(t))}
  for _, kind in ipairs(KINDS) do
    local names = nsh_keys(t[kind])
    if #names > 0 then
      local parts = {}
      for i, n in ipairs(names) do parts[i] = n .. " (" .. (t[kind][n].netns and "netns " .. t[kind][n].netns or "host") .. ")" end
      lines[#lines + 1] = string.format("  %-9s %s", kind .. ":", table.concat(parts, ", "))
    end
  end
  if #t._links > 0 then lines[#lines + 1] = "  links:" end
  for _, l in ipairs(t._links) do
    lines[#lines + 1] = "    " .. end_text(l.a, l.ia, l.ipa) .. " <-> " .. end_text(l.b, l.ib, l.ipb)
  end
  return table.concat(lines, "\n")
end

function Lab.__tostring(t)
  return string.format("lab %s (%s)", t.prefix, state_of(t))
end

-- Node.__nsh_repr shows a node: its kind, namespace and interfaces.
function Node.__nsh_repr(n)
  local lines = {tostring(n)}
  for _, l in ipairs(n._lab._links) do
    if l.a == n.name then lines[#lines + 1] = "  " .. iface_text(l.ia, l.ipa) .. " -> " .. l.b end
    if l.b == n.name then lines[#lines + 1] = "  " .. iface_text(l.ib, l.ipb) .. " -> " .. l.a end
  end
  return table.concat(lines, "\n")
end

function Node.__tostring(n)
  return string.format("%s %s (%s)", n.kind, n.name, n.netns and "netns " .. n.netns or "host")
end

-- with_ns copies an options table and sets ns in the copy.
local function with_ns(t, ns)
  local out = {ns = ns}
  for k, v in pairs(t) do out[k] = v end
  return out
end

-- end_ns returns the namespace of link end n (the shell's for "host" and
-- a switch in it).
local function end_ns(plan, ledger, n)
  if n ~= "host" and not plan.nodes[n] then return nil end -- on another machine
  if n == "host" or not plan.nodes[n].netns then return ledger:host() end
  return plan.nodes[n].handle
end

-- make_nodes makes the named nodes of plan: their namespaces (a few at a
-- time), forwarding on routers, a bridge in each switch.
local function make_nodes(plan, ledger, list)
  local link, net = loaded.link, loaded.net
  local names, owners = {}, {}
  for _, n in ipairs(list) do
    local node = plan.nodes[n]
    if node.netns then
      names[#names + 1] = node.netns
      owners[#owners + 1] = node
    end
  end
  if #names > 0 then
    for i, h in ipairs(ledger:netns_many(names)) do
      owners[i].handle = h
      link.set("lo", {ns = h, up = true})
    end
  end
  for _, n in ipairs(list) do
    local node = plan.nodes[n]
    if node.kind == "router" then
      net.sysctl("net.ipv4.ip_forward", 1, {ns = node.handle})
      net.sysctl("net.ipv6.conf.all.forwarding", 1, {ns = node.handle})
    elseif node.kind == "switch" then
      local index = link.add{ns = end_ns(plan, ledger, n), name = node.bridge, type = "bridge", up = true}
      if not node.netns then ledger:host_link(node.bridge, index) end
    end
  end
end

-- make_tunnel makes the local end of a link to another machine: a VXLAN
-- device made in the shell's namespace (where the underlay is, and where
-- its socket stays), moved into the node and named as the link's end.
local function make_tunnel(plan, ledger, l, nsa, master)
  local link, addr = loaded.link, loaded.addr
  local host = ledger:host()
  local tmp = "vx" .. l.cross.vni
  local index = link.add{ns = host, name = tmp, type = "vxlan", id = l.cross.vni, remote = l.cross.remote,
    ["local"] = l.cross["local"], port = 4789}
  ledger:host_link(tmp, index)
  link.set(tmp, {ns = host, move_to = nsa})
  link.set(tmp, {ns = nsa, name = l.ia, mtu = l.mtu, master = master, up = true})
  if l.shape then link.shape(l.ia, with_ns(l.shape, nsa)) end
  for _, cidr in ipairs(l.ipa) do addr.add(l.ia, cidr, {ns = nsa}) end
end

-- make_macvlan makes a macvlan link (bridge mode) on the parent device
-- l.ib in b's namespace, moves it into a and names it l.ia: nodes on one
-- parent reach each other, and the parent's network.
local function make_macvlan(plan, ledger, l, nsa, nsb, master)
  local link, addr = loaded.link, loaded.addr
  local tmp = "mv" .. math.random(1e8)
  local index = link.add{ns = nsb, name = tmp, type = "macvlan", parent = l.ib, mode = "bridge"}
  if nsb == ledger:host() then ledger:host_link(tmp, index) end
  link.set(tmp, {ns = nsb, move_to = nsa})
  link.set(tmp, {ns = nsa, name = l.ia, mtu = l.mtu, master = master, up = true})
  if l.shape then link.shape(l.ia, with_ns(l.shape, nsa)) end
  for _, cidr in ipairs(l.ipa) do addr.add(l.ia, cidr, {ns = nsa}) end
end

-- make_link makes one link of plan: the veth pair (each end born in its
-- namespace), its masters, addresses and shaping.
local function make_link(plan, ledger, l)
  local link, addr = loaded.link, loaded.addr
  local nsa, nsb = end_ns(plan, ledger, l.a), end_ns(plan, ledger, l.b)
  local host = ledger:host()
  local function master(n)
    local node = plan.nodes[n]
    return node and node.bridge or nil
  end
  if l.cross then return make_tunnel(plan, ledger, l, nsa, master(l.a)) end
  if l.kind == "macvlan" then return make_macvlan(plan, ledger, l, nsa, nsb, master(l.a)) end
  local index = link.add{ns = nsa, name = l.ia, type = "veth", peer = l.ib, peer_ns = nsb, mtu = l.mtu,
    master = master(l.a), up = true}
  if nsa == host then ledger:host_link(l.ia, index) end
  if nsb == host then ledger:host_link(l.ib) end
  link.set(l.ib, {ns = nsb, up = true, master = master(l.b)})
  if l.shape then
    link.shape(l.ia, with_ns(l.shape, nsa))
    link.shape(l.ib, with_ns(l.shape, nsb))
  end
  for _, cidr in ipairs(l.ipa) do addr.add(l.ia, cidr, {ns = nsa}) end
  for _, cidr in ipairs(l.ipb) do addr.add(l.ib, cidr, {ns = nsb}) end
end

-- routes_of lists the routes a node's options ask for.
local function routes_of(node)
  local out = {}
  if node.opts.gw then out[#out + 1] = {dst = "default", via = node.opts.gw} end
  for _, r in ipairs(node.opts.routes or {}) do out[#out + 1] = r end
  return out
end

local function add_route(h, r)
  local req = {ns = h}
  for k, v in pairs(r) do req[k] = v end
  loaded.route.add(req)
end

-- build makes everything the plan names; the ledger records each namespace
-- and host-side link as it is made.
local function build(t, plan, ledger)
  make_nodes(plan, ledger, plan.order)
  for _, l in ipairs(plan.links) do make_link(plan, ledger, l) end
  for _, n in ipairs(plan.order) do
    local node = plan.nodes[n]
    for _, r in ipairs(routes_of(node)) do add_route(node.handle, r) end
  end
end

-- make_lab returns the lab object of plan, whose namespaces ledger holds.
local function make_lab(plan, ledger)
  local t = setmetatable({prefix = plan.prefix, nodes = {}, hosts = {}, routers = {}, switches = {},
    _ledger = ledger, _plan = plan, _links = plan.links, _keep = false}, Lab)
  for _, n in ipairs(plan.order) do
    local node = plan.nodes[n]
    local obj = setmetatable({name = n, kind = node.kind, netns = node.netns, bridge = node.bridge, _lab = t}, Node)
    t.nodes[n] = obj
    local group = node.kind == "host" and t.hosts or node.kind == "router" and t.routers or t.switches
    group[n] = obj
  end
  return t
end

-- spec_with_prefix is a shallow copy of spec naming the prefix chosen, as
-- kept beside the ledger.
local function spec_with_prefix(spec, prefix)
  local out = {}
  for k, v in pairs(spec) do out[k] = v end
  out.prefix = prefix
  return out
end

-- topo.up(spec) builds a lab and returns it; see the module's doc.
function topo.up(spec)
  local plan = plan_of(spec)
  local ledger = topo._ledger(spec.keep, topo.labs_dir, plan.prefix)
  local t = make_lab(plan, ledger)
  t._keep = spec.keep == true
  ledger:guard(function()
    ledger:save_spec(spec_with_prefix(spec, plan.prefix))
    build(t, plan, ledger)
  end)
  for n, obj in pairs(t.nodes) do obj.handle = plan.nodes[n].handle end
  topo._live[plan.prefix] = t
  return t
end

-- topo.attach(prefix) returns the lab of that prefix kept on this host: one
-- kept (keep = true) or left behind by an nsh that was killed. Its
-- namespaces are opened after checking they are the ones recorded; a node
-- whose namespace is gone has no handle. This process's exit leaves it as
-- it is; lab:down() removes exactly what its ledger recorded.
function topo.attach(prefix)
  if type(prefix) ~= "string" then internal.argerror("topo.attach", 1, "lab prefix (string) expected, got " .. type(prefix)) end
  local ledger, spec = topo._attach(topo.labs_dir, prefix)
  local plan
  if spec then
    local ok, p = pcall(plan_of, spec)
    if ok then plan = p end
  end
  if not plan then -- no spec kept: the nodes are the namespaces recorded
    plan = {prefix = prefix, nodes = {}, order = {}, links = {}}
    for _, name in ipairs(ledger:names()) do
      local n = name:sub(1, #prefix) == prefix and name:sub(#prefix + 1) or name
      plan.nodes[n] = {name = n, kind = "host", opts = {}, netns = name, where = n}
      plan.order[#plan.order + 1] = n
    end
  end
  local t = make_lab(plan, ledger)
  for n, obj in pairs(t.nodes) do
    local node = plan.nodes[n]
    if node.netns then node.handle = ledger:handle(node.netns) end
    obj.handle = node.handle
  end
  topo._live[prefix] = t
  return t
end

-- topo.list() lists the labs kept on this host; see the module's doc.
function topo.list()
  return topo._list(topo.labs_dir)
end

-- topo.with(spec, fn, ...) builds a lab, calls fn(lab, ...), and always tears
-- the lab down; it returns fn's results or raises fn's error.
function topo.with(spec, fn, ...)
  if type(fn) ~= "function" then internal.argerror("topo.with", 2, "function expected, got " .. type(fn)) end
  local t = topo.up(spec)
  return t._ledger:run(fn, t, ...)
end

-- A lab's state: what the kernel holds for the lab's nodes and links.

-- ns_of_node returns the namespace of node n of lab t (the shell's for
-- "host" and for a switch in it).
local function ns_of_node(t, n)
  local node = t._plan.nodes[n]
  if n ~= "host" and not node then return nil end -- on another machine
  if n == "host" or not node.netns then return t._ledger:host() end
  return node.handle
end

-- global_addrs lists the addresses of dev in h, "a/len" strings.
local function global_addrs(h, dev)
  local out = {}
  local ok, list = pcall(loaded.addr.list, dev, {ns = h})
  if not ok then return out end
  for _, a in ipairs(list) do
    if a.scope == "global" then out[#out + 1] = a.address end
  end
  return out
end

-- Lab:state() returns the lab as plain records: {prefix=, nodes={{name=,
-- kind=, netns=}…}, links={{a=, a_dev=, a_addrs=, b=, b_dev=, b_addrs=,
-- mtu=, shape=}…}, routes={{node=, dst=, via=, dev=}…}}, read from the
-- kernel (a link whose end is gone has state = "missing").
function Lab:state()
  live(self, "state")
  local plan = self._plan
  local st = {prefix = self.prefix, nodes = {}, links = {}, routes = {}}
  for _, n in ipairs(plan.order) do
    local node = plan.nodes[n]
    st.nodes[#st.nodes + 1] = {name = n, kind = node.kind, netns = node.netns or "(host)",
      state = (node.netns == nil or node.handle) and "up" or "missing"}
  end
  for _, l in ipairs(plan.links) do
    local nsa, nsb = ns_of_node(self, l.a), ns_of_node(self, l.b)
    local rec = {a = l.a, a_dev = l.ia, b = l.b, b_dev = l.ib, state = "missing"}
    if l.cross then
      rec.b, rec.b_dev, rec.vni = l.b .. "@" .. l.cross.machine, "vxlan", l.cross.vni
      nsb = nsa
    end
    if nsa and nsb then
      local ok, la = pcall(loaded.link.get, l.ia, {ns = nsa})
      if ok then
        rec.state, rec.mtu = la.state:lower(), la.mtu
        -- a tunnel reports no carrier of its own: administratively up is up
        if la.state == "UNKNOWN" then
          for _, f in ipairs(la.flags) do if f == "UP" then rec.state = "up" end end
        end
        rec.a_addrs, rec.b_addrs = global_addrs(nsa, l.ia), l.cross and {} or global_addrs(nsb, l.ib)
        local shape = loaded.link.shape(l.ia, {ns = nsa})
        if next(shape) then rec.shape = shape end
      end
    end
    rec.a_addrs, rec.b_addrs = rec.a_addrs or {}, rec.b_addrs or {}
    st.links[#st.links + 1] = rec
  end
  for _, n in ipairs(plan.order) do
    local node = plan.nodes[n]
    if node.netns and node.handle then
      for _, r in ipairs(loaded.route.list{ns = node.handle}) do
        if r.protocol ~= "kernel" then
          st.routes[#st.routes + 1] = {node = n, dst = r.dst, via = r.via, dev = r.dev}
        end
      end
    end
  end
  return st
end

-- shape_words renders a shape record as tc writes it.
local function shape_words(s)
  if not s then return "" end
  local parts = {}
  for _, f in ipairs({"rate", "burst", "delay", "jitter", "loss", "duplicate", "reorder", "limit"}) do
    if s[f] ~= nil then
      local v = tostring(s[f])
      if f == "loss" or f == "duplicate" or f == "reorder" then v = v .. "%" end
      parts[#parts + 1] = f .. " " .. v
    end
  end
  return table.concat(parts, " ")
end

-- aligned renders rows (lists of strings) under headers as columns.
local function aligned(headers, rows)
  local width = {}
  for i, h in ipairs(headers) do width[i] = #h end
  for _, r in ipairs(rows) do
    for i = 1, #headers do width[i] = math.max(width[i], #tostring(r[i] or "")) end
  end
  local lines = {}
  local function line(r)
    local cells = {}
    for i = 1, #headers do
      local c = tostring(r[i] or "")
      cells[i] = i == #headers and c or c .. string.rep(" ", width[i] - #c)
    end
    lines[#lines + 1] = (table.concat(cells, "  "):gsub("%s+$", ""))
  end
  line(headers)
  for _, r in ipairs(rows) do line(r) end
  return table.concat(lines, "\n")
end

-- Lab:show() prints the lab's nodes, links and routes as aligned tables.
function Lab:show()
  local st = self:state()
  local rows = {}
  for _, n in ipairs(st.nodes) do rows[#rows + 1] = {n.name, n.kind, n.netns, n.state} end
  print(aligned({"NODE", "KIND", "NETNS", "STATE"}, rows))
  print()
  rows = {}
  for _, l in ipairs(st.links) do
    rows[#rows + 1] = {l.a .. ":" .. l.a_dev, table.concat(l.a_addrs, ","), l.b .. ":" .. l.b_dev,
      table.concat(l.b_addrs, ","), l.state, shape_words(l.shape)}
  end
  print(aligned({"END A", "ADDRESSES", "END B", "ADDRESSES", "STATE", "SHAPING"}, rows))
  print()
  rows = {}
  for _, r in ipairs(st.routes) do rows[#rows + 1] = {r.node, r.dst, r.via or "", r.dev or ""} end
  print(aligned({"NODE", "DESTINATION", "VIA", "DEV"}, rows))
end

-- The look of each kind of node in a graph.
local DOT_SHAPE = {host = "box", router = "octagon", switch = "ellipse", shell = "house"}

-- end_label is one end of a link in a graph: its device and addresses.
local function end_label(dev, addrs)
  if #addrs == 0 then return dev end
  return dev .. " " .. table.concat(addrs, ",")
end

local function dot_quote(s)
  return '"' .. tostring(s):gsub('[\\"]', "\\%0"):gsub("\n", "\\n") .. '"'
end

-- nodes_for_graph lists the nodes a graph draws, with "host" when a link
-- ends in the shell's namespace.
local function nodes_for_graph(st)
  local out, seen = {}, {}
  for _, n in ipairs(st.nodes) do out[#out + 1] = n; seen[n.name] = true end
  for _, l in ipairs(st.links) do
    for _, e in ipairs({l.a, l.b}) do
      if not seen[e] then seen[e] = true; out[#out + 1] = {name = e, kind = "shell"} end
    end
  end
  return out
end

local function dot_of(st)
  local lines = {"graph " .. dot_quote(st.prefix) .. " {", "  node [fontname=\"Helvetica\"];",
    "  edge [fontname=\"Helvetica\", fontsize=9];"}
  for _, n in ipairs(nodes_for_graph(st)) do
    lines[#lines + 1] = string.format("  %s [shape=%s, label=%s];", dot_quote(n.name), DOT_SHAPE[n.kind],
      dot_quote(n.name .. "\n" .. n.kind))
  end
  for _, l in ipairs(st.links) do
    local attrs = {"taillabel=" .. dot_quote(end_label(l.a_dev, l.a_addrs)),
      "headlabel=" .. dot_quote(end_label(l.b_dev, l.b_addrs))}
    if l.shape then attrs[#attrs + 1] = "label=" .. dot_quote(shape_words(l.shape)) end
    if l.state ~= "up" then attrs[#attrs + 1] = "style=dashed" end
    lines[#lines + 1] = string.format("  %s -- %s [%s];", dot_quote(l.a), dot_quote(l.b), table.concat(attrs, ", "))
  end
  lines[#lines + 1] = "}"
  return table.concat(lines, "\n") .. "\n"
end

-- mermaid_text makes a label safe inside Mermaid's quotes.
local function mermaid_text(s)
  return (tostring(s):gsub('"', "#quot;"))
end

local MERMAID_SHAPE = {host = {"[", "]"}, router = {"{{", "}}"}, switch = {"([", "])"}, shell = {"[/", "\\]"}}

local function mermaid_of(st)
  local lines = {"graph LR"}
  local id = {}
  for i, n in ipairs(nodes_for_graph(st)) do
    id[n.name] = "n" .. i
    local sh = MERMAID_SHAPE[n.kind]
    lines[#lines + 1] = string.format('  n%d%s"%s"%s', i, sh[1], mermaid_text(n.name .. " (" .. n.kind .. ")"), sh[2])
  end
  for _, l in ipairs(st.links) do
    local label = end_label(l.a_dev, l.a_addrs) .. " — " .. end_label(l.b_dev, l.b_addrs)
    if l.shape then label = label .. " · " .. shape_words(l.shape) end
    local edge = l.state == "up" and "---" or "-.-"
    lines[#lines + 1] = string.format('  %s %s|"%s"| %s', id[l.a], edge, mermaid_text(label), id[l.b])
  end
  return table.concat(lines, "\n") .. "\n"
end

-- find_program looks name up in PATH.
local function find_program(name)
  if name:find("/") then
    local f = io.open(name, "r")
    if f then f:close(); return name end
    return nil
  end
  for dir in (os.getenv("PATH") or "/usr/bin:/bin"):gmatch("[^:]+") do
    local f = io.open(dir .. "/" .. name, "r")
    if f then f:close(); return dir .. "/" .. name end
  end
end

-- svg_of renders dot text into path with Graphviz's dot.
local function svg_of(text, path, opts)
  local dot = find_program(opts.dot or "dot")
  if not dot then
    internal.fail("lab:graph", path, "svg needs Graphviz's dot program, not found (" .. (opts.dot or "dot in PATH") ..
      "): install Graphviz (apt-get install graphviz, dnf install graphviz, brew install graphviz), " ..
      "or take the text of lab:graph(\"dot\")")
  end
  local src = os.tmpname()
  local f = assert(io.open(src, "w"))
  f:write(text)
  f:close()
  local r = loaded.ns.run{dot, "-Tsvg", "-o", path, src, stdout = "capture", stderr = "capture"}
  os.remove(src)
  if r.code ~= 0 then
    internal.fail("lab:graph", path, "dot failed: " .. tostring(r.stderr))
  end
  return path
end

-- Lab:graph(format [, path [, opts]]) returns the lab as Graphviz DOT
-- ("dot") or Mermaid ("mermaid") text, or renders it to an SVG file at
-- path ("svg") with Graphviz's dot (opts.dot: the program to use).
function Lab:graph(format, path, opts)
  local st = self:state()
  if format == "dot" then return dot_of(st) end
  if format == "mermaid" then return mermaid_of(st) end
  if format == "svg" then
    if type(path) ~= "string" then internal.argerror("lab:graph", 2, "svg needs a file path") end
    return svg_of(dot_of(st), path, opts or {})
  end
  internal.argerror("lab:graph", 1, "format must be dot, mermaid or svg, got " .. tostring(format))
end

-- node_named returns lab t's node n, raising for op when there is none.
local function node_named(t, op, n)
  local node = type(n) == "table" and n or t.nodes[n]
  if not node then internal.argerror(op, 1, "no node " .. tostring(n) .. " in lab " .. t.prefix) end
  if not node.handle then internal.fail(op, tostring(node.name), "the node's namespace is gone") end
  return node
end

-- Lab:exec(node, argv… [, opts]) runs a command on a node as ns.run does
-- (opts are ns.run's) and returns ns.run's result.
function Lab:exec(n, ...)
  live(self, "exec")
  local node = node_named(self, "lab:exec", n)
  local args = {...}
  local opts
  if type(args[#args]) == "table" then opts = table.remove(args) end
  if #args == 0 then internal.argerror("lab:exec", 2, "command expected") end
  for i, a in ipairs(args) do
    if type(a) ~= "string" then internal.argerror("lab:exec", i + 1, "string expected, got " .. type(a)) end
  end
  return node:run(args, opts)
end

-- Lab:shell(node [, cmd…]) opens an interactive shell (or runs cmd) on a
-- node with the terminal, as ns.enter does, and returns its exit code.
function Lab:shell(n, ...)
  live(self, "shell")
  local node = node_named(self, "lab:shell", n)
  if select("#", ...) > 0 then return loaded.ns.enter(node.handle, ...) end
  return loaded.ns.enter(node.handle, os.getenv("SHELL") or "/bin/sh")
end

-- Converging a live lab to a spec: topo.plan and topo.apply.

-- Labs made or attached by this nsh, by prefix, so that apply finds them.
local live_labs = topo._live

local function link_key(l)
  return l.a .. ":" .. l.ia .. "|" .. l.b .. ":" .. l.ib .. "|" .. tostring(l.mtu) .. "|" .. tostring(l.kind)
end

local function link_name(l)
  return l.a .. ":" .. l.ia .. " - " .. l.b .. ":" .. l.ib
end

-- same_node reports whether node o (old) can stay as node n (new).
local function same_node(o, n)
  return o and o.kind == n.kind and (o.opts.host or false) == (n.opts.host or false)
end

-- set_of turns a list of strings into a set.
local function set_of(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

-- SHAPE_KEYS are compared between a spec's shaping and the kernel's; burst
-- only when the spec gives one.
local SHAPE_KEYS = {"rate", "delay", "jitter", "loss", "duplicate", "reorder", "limit"}

local function shape_differs(want, have)
  want, have = want or {}, have or {}
  for _, k in ipairs(SHAPE_KEYS) do
    if want[k] ~= have[k] then return true end
  end
  return want.burst ~= nil and want.burst ~= have.burst
end

local function route_key(r)
  return r.dst .. " via " .. tostring(r.via)
end

-- changes_between works out what turns lab old (nil: none) into plan new:
-- a list of plain records {op=, what=, name=, detail=} and, for apply, the
-- actions doing each, in the order they must run.
local function changes_between(old, new)
  local changes, actions = {}, {}
  local function add(rank, op, what, name, detail, fn)
    changes[#changes + 1] = {op = op, what = what, name = name, detail = detail, _rank = rank, _seq = #changes}
    actions[#changes] = fn
  end
  -- one dump of links and one of addresses per namespace, not per link
  local views = {}
  local function view(h)
    if views[h] then return views[h] end
    local v = {links = {}, addrs = {}}
    for _, k in ipairs(loaded.link.list{ns = h}) do v.links[k.name] = true end
    for _, a in ipairs(loaded.addr.list{ns = h}) do
      if a.scope == "global" then
        v.addrs[a.dev] = v.addrs[a.dev] or {}
        table.insert(v.addrs[a.dev], a.address)
      end
    end
    views[h] = v
    return v
  end
  local op = old and old._plan or {nodes = {}, order = {}, links = {}}
  local ledger = old and old._ledger
  local kept = {}
  for _, n in ipairs(new.order) do
    local o = op.nodes[n]
    if same_node(o, new.nodes[n]) and (o.handle or not o.netns) then
      kept[n] = true
      new.nodes[n].handle = o.handle
    end
  end
  kept.host = true
  local added = {}
  for _, n in ipairs(op.order) do
    if not kept[n] then
      local o = op.nodes[n]
      add(2, "remove", "node", n, o.kind, function(l)
        if o.netns then l:del_netns(o.netns) else loaded.link.del(o.bridge, {ns = l:host()}) end
      end)
    end
  end
  for _, n in ipairs(new.order) do
    if not kept[n] then
      added[#added + 1] = n
      add(3, "add", "node", n, new.nodes[n].kind, nil)
    end
  end
  if #added > 0 then actions[#changes] = function(l) make_nodes(new, l, added) end end
  local old_links = {}
  for _, l in ipairs(op.links) do old_links[link_key(l)] = l end
  local new_links = {}
  for _, l in ipairs(new.links) do new_links[link_key(l)] = l end
  for _, l in ipairs(op.links) do
    local nl = new_links[link_key(l)]
    if not (nl and kept[l.a] and kept[l.b]) and kept[l.a] and kept[l.b] then
      add(1, "remove", "link", link_name(l), nil, function(lg)
        pcall(loaded.link.del, l.ia, {ns = end_ns(op, lg, l.a)})
      end)
    end
  end
  for _, l in ipairs(new.links) do
    local ol = old_links[link_key(l)]
    local exists = ol and kept[l.a] and kept[l.b] and view(end_ns(new, ledger, l.a)).links[l.ia]
    if not exists then
      add(4, "add", "link", link_name(l), shape_words(l.shape), function(lg) make_link(new, lg, l) end)
    else
      local sides = {a = {l.ia, l.ipa}, b = {l.ib, l.ipb}}
      if l.cross or l.kind == "macvlan" then sides.b = nil end
      for side, dev in pairs(sides) do
        local node = side == "a" and l.a or l.b
        local h = end_ns(new, ledger, node)
        local have = set_of(view(h).addrs[dev[1]] or {})
        local wantset = set_of(dev[2])
        for cidr in pairs(have) do
          if not wantset[cidr] then
            add(5, "remove", "address", node .. ":" .. dev[1], cidr, function() loaded.addr.del(dev[1], cidr, {ns = h}) end)
          end
        end
        for _, cidr in ipairs(dev[2]) do
          if not have[cidr] then
            add(6, "add", "address", node .. ":" .. dev[1], cidr, function() loaded.addr.add(dev[1], cidr, {ns = h}) end)
          end
        end
        local cur = loaded.link.shape(dev[1], {ns = h})
        if shape_differs(l.shape, cur) then
          add(7, "change", "shaping", node .. ":" .. dev[1], shape_words(l.shape) ~= "" and shape_words(l.shape) or "none",
            function()
              if l.shape then loaded.link.shape(dev[1], with_ns(l.shape, h)) else loaded.link.unshape(dev[1], {ns = h}) end
            end)
        end
      end
    end
  end
  for _, n in ipairs(new.order) do
    local node = new.nodes[n]
    if node.netns then
      local want = routes_of(node)
      local have = {}
      if kept[n] and node.handle then
        for _, r in ipairs(loaded.route.list{ns = node.handle}) do
          if r.protocol ~= "kernel" and r.family == "inet" then have[route_key(r)] = r end
        end
      end
      local wantkeys = {}
      for _, r in ipairs(want) do wantkeys[route_key(r)] = true end
      for k, r in pairs(have) do
        if not wantkeys[k] then
          add(8, "remove", "route", n, k, function() loaded.route.del{ns = node.handle, dst = r.dst, via = r.via} end)
        end
      end
      for _, r in ipairs(want) do
        if not have[route_key(r)] then
          add(9, "add", "route", n, route_key(r), function() add_route(node.handle, r) end)
        end
      end
    end
  end
  local order = {}
  for i, c in ipairs(changes) do order[i] = {c = c, fn = actions[i]} end
  table.sort(order, function(x, y)
    if x.c._rank ~= y.c._rank then return x.c._rank < y.c._rank end
    return x.c._seq < y.c._seq
  end)
  local out, fns = {}, {}
  for i, e in ipairs(order) do
    e.c._rank, e.c._seq = nil, nil
    out[i], fns[i] = e.c, e.fn
  end
  return out, fns
end

-- existing returns the lab of prefix this nsh holds, or the one on disk
-- (attached), or nil.
local function existing(prefix)
  local t = live_labs[prefix]
  if t and not t._ledger:done() then return t end
  local ok, lab = pcall(topo.attach, prefix)
  if ok then return lab end
  if lab.errno == "ENOENT" then return nil end
  error(lab, 0)
end

-- for_machine returns spec with opts.machine (the part this machine
-- builds) set in a copy.
local function for_machine(op, spec, opts)
  if opts == nil then return spec end
  if type(opts) ~= "table" then internal.argerror(op, 2, "options table expected, got " .. type(opts)) end
  for k in pairs(opts) do
    if k ~= "machine" then internal.argerror(op, 2, "unknown option " .. tostring(k) .. " (machine)") end
  end
  if type(spec) ~= "table" then return spec end
  local out = {}
  for k, v in pairs(spec) do out[k] = v end
  out.machine = opts.machine
  return out
end

-- topo.plan(spec) returns the changes that would turn what exists for the
-- spec's prefix into the spec, without making any.
function topo.plan(spec, opts)
  spec = for_machine("topo.plan", spec, opts)
  local new = plan_of(spec)
  if not spec.prefix then internal.fail("topo.plan", nil, "the spec needs a prefix to compare with what exists") end
  local old = existing(new.prefix)
  local changes = changes_between(old, new)
  return changes
end

-- topo.apply(spec) makes the changes topo.plan(spec) lists, building the
-- lab when none exists, and returns the lab and the changes made.
function topo.apply(spec, opts)
  spec = for_machine("topo.apply", spec, opts)
  local new = plan_of(spec)
  if not spec.prefix then internal.fail("topo.apply", nil, "the spec needs a prefix to compare with what exists") end
  local old = existing(new.prefix)
  if not old then
    local t = topo.up(spec)
    return t, (changes_between(nil, plan_of(spec)))
  end
  local changes, fns = changes_between(old, new)
  local ledger = old._ledger
  for _, fn in ipairs(fns) do
    if fn then fn(ledger) end
  end
  ledger:save_spec(spec_with_prefix(spec, new.prefix))
  local t = make_lab(new, ledger)
  for n, obj in pairs(t.nodes) do obj.handle = new.nodes[n].handle end
  live_labs[new.prefix] = t
  old._ledger = nil
  setmetatable(old, {__index = function() internal.fail("lab", new.prefix, "replaced by topo.apply: use the lab it returned") end})
  return t, changes
end
