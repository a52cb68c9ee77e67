#!/usr/bin/env bash
# nsh's topo against Mininet (Debian's mininet package, its Python API) on
# the same tree topology: depth D, fanout F (default 2 and 4: 16 hosts, 5
# switches), every link shaped to 10 Mbit/s, all hosts in 10.0.0.0/8.
# Mininet (needs bridge-utils for LinuxBridge): LinuxBridge switches, no
# controller, TCLink(bw=10); `mn -c` is never run. Mininet() calls its
# fixLimits(), which raises host-wide sysctls (socket buffers, ARP cache,
# pty.max): the script saves every one it touches before and writes the
# old values back after each Mininet run.
# nsh: topo.up with the same tree, rate = "10mbit" on each link. Each side
# builds, pings every ordered pair of hosts once, and tears down; the two
# run interleaved for several rounds. Prints, does not assert.
# Usage: scripts/bench/labs_mininet.sh [depth] [fanout] [rounds]   (as root; NSH=path skips the build)
set -euo pipefail
cd "$(dirname "$0")/../.."
depth=${1:-2}
fanout=${2:-4}
rounds=${3:-3}
[ "$(id -u)" = 0 ] || { echo "labs_mininet: run as root" >&2; exit 1; }
py=/usr/bin/python3
if ! $py -c 'import mininet.net' 2>/dev/null; then
  echo "labs_mininet: Mininet is not installed (apt-get install mininet); nothing to compare" >&2
  exit 0
fi
. scripts/bench/lib.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
nsh=$(nsh_binary "$work")

cat > "$work/mn.py" <<'PY'
import sys, time
from functools import partial
from mininet.net import Mininet
from mininet.topolib import TreeTopo
from mininet.nodelib import LinuxBridge
from mininet.link import TCLink
from mininet.log import setLogLevel
setLogLevel('error')
depth, fanout = int(sys.argv[1]), int(sys.argv[2])
# the sysctls Mininet's fixLimits() changes, saved to be put back
KEYS = ['fs/file-max', 'net/core/wmem_max', 'net/core/rmem_max', 'net/ipv4/tcp_rmem', 'net/ipv4/tcp_wmem',
        'net/core/netdev_max_backlog', 'net/ipv4/neigh/default/gc_thresh1', 'net/ipv4/neigh/default/gc_thresh2',
        'net/ipv4/neigh/default/gc_thresh3', 'net/ipv4/route/max_size', 'kernel/pty/max']
saved = {k: open('/proc/sys/' + k).read() for k in KEYS}
def restore():
    for k, v in saved.items():
        if open('/proc/sys/' + k).read() != v:
            with open('/proc/sys/' + k, 'w') as f:
                f.write(v)
t0 = time.time()
try:
  net = Mininet(topo=TreeTopo(depth=depth, fanout=fanout), switch=LinuxBridge, controller=None,
              link=partial(TCLink, bw=10), autoSetMacs=True, waitConnected=False)
  net.start()
  t1 = time.time()
  lost = 0
  for a in net.hosts:
      for b in net.hosts:
          if a is not b:
              out = a.cmd('ping -c1 -W2 %s' % b.IP())
              if ' 0% packet loss' not in out:
                  lost += 1
  t2 = time.time()
  net.stop()
  t3 = time.time()
finally:
  restore()
print("mininet %d %.3f %.3f %.3f %d" % (len(net.hosts), t1 - t0, t2 - t1, t3 - t2, lost))
PY

cat > "$work/nsh.lua" <<'LUA'
local depth, fanout = tonumber(arg[1]), tonumber(arg[2])
topo.labs_dir = arg[3]
local function now() return tonumber(ns.run{"date", "+%s%N", stdout = "capture"}.stdout) / 1e9 end
local hosts, switches, links, nh, ns_ = {}, {}, {}, 0, 0
local function tree(d)
  if d == 0 then
    nh = nh + 1
    local h = "h" .. nh
    hosts[#hosts + 1] = h
    return h, "10.0." .. math.floor(nh / 256) .. "." .. nh % 256 .. "/8"
  end
  ns_ = ns_ + 1
  local s = "s" .. ns_
  switches[#switches + 1] = s
  for _ = 1, fanout do
    local child, ip = tree(d - 1)
    links[#links + 1] = {s, child, ip = {false, ip}, rate = "10mbit"}
  end
  return s
end
tree(depth)
local t0 = now()
local lab = topo.up{prefix = "mn" .. math.random(1e5) .. "-", hosts = hosts, switches = switches, links = links}
local t1 = now()
local lost = 0
for _, a in ipairs(hosts) do
  for _, b in ipairs(hosts) do
    if a ~= b then
      local r = lab:exec(a, "ping", "-c1", "-W2", lab.hosts[b]:addr(), {stdout = "null", stderr = "null"})
      if r.code ~= 0 then lost = lost + 1 end
    end
  end
end
local t2 = now()
lab:down()
local t3 = now()
print(string.format("nsh %d %.3f %.3f %.3f %d", #hosts, t1 - t0, t2 - t1, t3 - t2, lost))
LUA

echo "tree depth $depth fanout $fanout, links shaped to 10 Mbit/s, $rounds rounds interleaved"
printf '%-8s %6s %10s %10s %12s %6s\n' tool hosts build_s ping_all_s teardown_s lost
for r in $(seq "$rounds"); do
  "$nsh" "$work/nsh.lua" "$depth" "$fanout" "$work/labs" | awk '{printf "%-8s %6s %10s %10s %12s %6s\n", $1, $2, $3, $4, $5, $6}'
  $py "$work/mn.py" "$depth" "$fanout" | awk '{printf "%-8s %6s %10s %10s %12s %6s\n", $1, $2, $3, $4, $5, $6}'
done
