#!/usr/bin/env bash
# Labs: topo.apply of an N-host spec (default 200; hosts on 10 switches
# under one router, every host link shaped to 100mbit) from nothing, then
# re-applied unchanged, then re-applied after changing 10 hosts (a new
# address each), then torn down; each step timed inside one nsh process
# (os.clock is CPU time, so wall time comes from date +%s%N via a tiny
# helper). Prints, does not assert.
# Usage: scripts/bench/labs_apply.sh [N] [rounds]   (as root; NSH=path skips the build)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-200}
rounds=${2:-3}
[ "$(id -u)" = 0 ] || { echo "labs_apply: run as root" >&2; exit 1; }
. scripts/bench/lib.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
nsh=$(nsh_binary "$work")
cat > "$work/bench.lua" <<'LUA'
local n, rounds, dir = tonumber(arg[1]), tonumber(arg[2]), arg[3]
topo.labs_dir = dir
local function now()
  local r = ns.run{"date", "+%s%N", stdout = "capture"}
  return tonumber(r.stdout) / 1e9
end
local function spec(prefix, changed)
  local hosts, links, switches = {}, {}, {}
  for s = 1, 10 do
    switches[s] = "s" .. s
    links[#links + 1] = {"r", "s" .. s, ip = {"10." .. s .. ".0.254/16"}}
  end
  for i = 1, n do
    local s = (i - 1) % 10 + 1
    hosts[i] = "h" .. i
    local last = (i <= changed) and 200 or 1
    links[#links + 1] = {"s" .. s, "h" .. i, ip = {false, "10." .. s .. "." .. i .. "." .. last .. "/16"}, rate = "100mbit"}
  end
  return {prefix = prefix, hosts = hosts, switches = switches, routers = {"r"}, links = links}
end
local rows = {build = {}, same = {}, ten = {}, down = {}}
for round = 1, rounds do
  local prefix = "lb" .. math.random(1e5) .. "-"
  local t0 = now()
  local lab, c1 = topo.apply(spec(prefix, 0))
  local t1 = now()
  local _, c2 = topo.apply(spec(prefix, 0))
  local t2 = now()
  local lab2, c3 = topo.apply(spec(prefix, 10))
  local t3 = now()
  lab2:down()
  local t4 = now()
  rows.build[round], rows.same[round], rows.ten[round], rows.down[round] = t1 - t0, t2 - t1, t3 - t2, t4 - t3
  if round == 1 then
    print(string.format("changes: build %d, unchanged %d, 10 hosts changed %d", #c1, #c2, #c3))
  end
end
local function median(xs)
  table.sort(xs)
  return xs[math.floor((#xs + 1) / 2)]
end
print(string.format("%-28s %10s %10s %14s", "step (" .. n .. " hosts)", "best s", "median s", "per host ms"))
for _, k in ipairs({"build", "same", "ten", "down"}) do
  local label = ({build = "apply from nothing", same = "re-apply, no change", ten = "re-apply, 10 hosts changed",
    down = "down"})[k]
  local xs = rows[k]
  table.sort(xs)
  print(string.format("%-28s %10.3f %10.3f %14.3f", label, xs[1], median(xs), median(xs) / n * 1000))
end
LUA
"$nsh" "$work/bench.lua" "$n" "$rounds" "$work/labs"
