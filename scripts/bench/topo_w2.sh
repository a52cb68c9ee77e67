#!/usr/bin/env bash
# W2: N hosts (default 200), each a named netns joined to the host's own
# namespace by a veth pair with an IPv4 address on each end, everything up
# (lo too), then all torn down; three ways, each timed as one whole run
# (process startup included), until the last host-side link is gone; five
# ways:
#   nsh    one nsh script: topo.up{…} then t:down() (peers born inside their
#          namespace; teardown deletes the namespaces, the kernel the links)
#   batch  ip -batch for the host side (netns add, link add … peer … netns,
#          addr add, link set up), one `ip -n NS -batch` per namespace for its
#          side, one ip -batch of `netns del`
#   loop   one ip command per step: 7 per host, then N `ip netns del`
#   mbatch the common create-then-move recipe as ip -batch: `link add A type
#          veth peer name B` in the host namespace, then `link set B netns NS`,
#          then the same addresses, ups and `netns del` as batch
#   mloop  the same create-then-move recipe, one ip command per step: 8 per
#          host, then N `ip netns del`
# batch and loop are ip's fastest form (peer born in place); mbatch and
# mloop are the recipe most lab scripts use.
# The ways are interleaved over several rounds; the table shows the fastest
# and the median round, the cost per host and the ratios to nsh.
# Target in the issue: nsh at least 15x faster than ip -batch.
# Usage: scripts/bench/topo_w2.sh [N] [rounds]   (as root; NSH=path skips the build)
# Addresses: 10.215.0.0/16, on links whose names carry this run's prefix.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-200}
rounds=${2:-5}
[ "$(id -u)" = 0 ] || { echo "topo_w2: run as root" >&2; exit 1; }
command -v ip >/dev/null || { echo "topo_w2: needs ip (iproute2)" >&2; exit 1; }

work=$(mktemp -d)
tag=$$
cleanup() {
  for f in /run/netns/w2[nblmM]"$tag"-*; do
    [ -e "$f" ] && ip netns del "$(basename "$f")" 2>/dev/null || true
  done
  for f in /sys/class/net/w2[nblmM]"$tag"-*; do
    [ -e "$f" ] && ip link del "$(basename "$f")" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

. scripts/bench/lib.sh
bin=$(nsh_binary "$work")

# addr I END: the /30 address of end 1 (host) or 2 (namespace) of pair I.
addr() {
  local base=$((4 * ($1 - 1)))
  echo "10.215.$((base / 256)).$((base % 256 + $2))/30"
}

cat >"$work/w2.lua" <<'LUA'
local n, prefix = tonumber(arg[1]), arg[2]
local hosts, links = {}, {}
for i = 1, n do
  local base = 4 * (i - 1)
  local net = string.format("10.215.%d.%d", math.floor(base / 256), base % 256)
  hosts[i] = "h" .. i
  links[i] = {"host", "h" .. i, ip = {
    string.format("10.215.%d.%d/30", math.floor(base / 256), base % 256 + 1),
    string.format("10.215.%d.%d/30", math.floor(base / 256), base % 256 + 2)}}
end
local t = topo.up{prefix = prefix, hosts = hosts, links = links}
t:down()
LUA

p_batch="w2b$tag-"
{
  for ((i = 1; i <= n; i++)); do echo "netns add ${p_batch}h$i"; done
  for ((i = 1; i <= n; i++)); do echo "link add ${p_batch}h$i type veth peer name eth0 netns ${p_batch}h$i"; done
  for ((i = 1; i <= n; i++)); do echo "addr add $(addr $i 1) dev ${p_batch}h$i"; done
  for ((i = 1; i <= n; i++)); do echo "link set ${p_batch}h$i up"; done
} >"$work/batch-host"
for ((i = 1; i <= n; i++)); do
  printf 'addr add %s dev eth0\nlink set eth0 up\nlink set lo up\n' "$(addr $i 2)" >"$work/batch-ns$i"
done
for ((i = 1; i <= n; i++)); do echo "netns del ${p_batch}h$i"; done >"$work/batch-del"

# The create-then-move recipe: both ends made in the host namespace (A keeps
# the host side's name, B is a temporary one), then B moved into NS.
p_mbatch="w2M$tag-"
{
  for ((i = 1; i <= n; i++)); do echo "netns add ${p_mbatch}h$i"; done
  for ((i = 1; i <= n; i++)); do echo "link add ${p_mbatch}h$i type veth peer name ${p_mbatch}p$i"; done
  for ((i = 1; i <= n; i++)); do echo "link set ${p_mbatch}p$i netns ${p_mbatch}h$i"; done
  for ((i = 1; i <= n; i++)); do echo "addr add $(addr $i 1) dev ${p_mbatch}h$i"; done
  for ((i = 1; i <= n; i++)); do echo "link set ${p_mbatch}h$i up"; done
} >"$work/mbatch-host"
for ((i = 1; i <= n; i++)); do
  printf 'addr add %s dev %s\nlink set %s up\nlink set lo up\n' "$(addr $i 2)" "${p_mbatch}p$i" "${p_mbatch}p$i" >"$work/mbatch-ns$i"
done
for ((i = 1; i <= n; i++)); do echo "netns del ${p_mbatch}h$i"; done >"$work/mbatch-del"

# gone PREFIX: wait until no host link carries PREFIX (the kernel removes the
# host ends of the pairs after their namespaces are deleted).
gone() {
  while compgen -G "/sys/class/net/$1*" >/dev/null; do :; done
}

run_nsh() { "$bin" "$work/w2.lua" "$n" "w2n$tag-"; gone "w2n$tag-"; }
# by_batch KIND PREFIX: the ip -batch way whose files are $work/KIND-*:
# one batch on the host, one per namespace, one to delete.
by_batch() {
  ip -batch "$work/$1-host"
  for ((i = 1; i <= n; i++)); do ip -n "${2}h$i" -batch "$work/$1-ns$i"; done
  ip -batch "$work/$1-del"
  gone "$2"
}
run_batch() { by_batch batch "$p_batch"; }
run_loop() {
  local p="w2l$tag-"
  for ((i = 1; i <= n; i++)); do
    ip netns add "${p}h$i"
    ip link add "${p}h$i" type veth peer name eth0 netns "${p}h$i"
    ip addr add "$(addr $i 1)" dev "${p}h$i"
    ip link set "${p}h$i" up
    ip -n "${p}h$i" addr add "$(addr $i 2)" dev eth0
    ip -n "${p}h$i" link set eth0 up
    ip -n "${p}h$i" link set lo up
  done
  for ((i = 1; i <= n; i++)); do ip netns del "${p}h$i"; done
  gone "$p"
}

run_mbatch() { by_batch mbatch "$p_mbatch"; }
run_mloop() {
  local p="w2m$tag-"
  for ((i = 1; i <= n; i++)); do
    ip netns add "${p}h$i"
    ip link add "${p}h$i" type veth peer name "${p}p$i"
    ip link set "${p}p$i" netns "${p}h$i"
    ip addr add "$(addr $i 1)" dev "${p}h$i"
    ip link set "${p}h$i" up
    ip -n "${p}h$i" addr add "$(addr $i 2)" dev "${p}p$i"
    ip -n "${p}h$i" link set "${p}p$i" up
    ip -n "${p}h$i" link set lo up
  done
  for ((i = 1; i <= n; i++)); do ip netns del "${p}h$i"; done
  gone "$p"
}

# time_us FUNC: run FUNC once, print its wall time in microseconds.
time_us() {
  local s e
  s=$(date +%s%N)
  "$1" >/dev/null
  e=$(date +%s%N)
  echo $(((e - s) / 1000))
}

declare -A all
ways="nsh batch loop mbatch mloop"
for way in $ways; do all[$way]=""; done
for ((r = 1; r <= rounds; r++)); do
  for way in $ways; do
    all[$way]+="$(time_us run_$way) "
  done
done

# stat WAY min|median: microseconds.
stat() {
  local sorted
  sorted=$(tr ' ' '\n' <<<"${all[$1]}" | grep -v '^$' | sort -n)
  if [ "$2" = min ]; then head -1 <<<"$sorted"; else awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}' <<<"$sorted"; fi
}

printf 'W2: %d hosts joined to the host by veth pairs, addressed, up, torn down; %d rounds\n' "$n" "$rounds"
printf '%-7s %10s %10s %12s %10s\n' way best_ms median_ms ms_per_host vs_nsh
nsh_med=$(stat nsh median)
for way in $ways; do
  mn=$(stat $way min) md=$(stat $way median)
  awk -v w="$way" -v mn="$mn" -v md="$md" -v n="$n" -v base="$nsh_med" \
    'BEGIN {printf "%-7s %10.1f %10.1f %12.3f %9.2fx\n", w, mn/1000, md/1000, md/1000/n, md/base}'
done
echo "(vs_nsh: median time of the way / median time of nsh; the target is batch >= 15x;"
echo " batch/loop: ip with peers born in place, mbatch/mloop: ip creating then moving each peer)"
