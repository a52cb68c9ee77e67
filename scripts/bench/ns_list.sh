#!/usr/bin/env bash
# ns.list() against `lsns -J` on a host with N extra namespaces (default
# 1000): half are network namespaces of sleeping processes (both tools
# see those), half are network namespaces pinned only by bind mounts under
# a temporary directory (nsh lists them, lsns 2.38 does not look). Two
# measures, each the median of several rounds, interleaved:
#   call     one ns.list() inside a running nsh (K calls in one script,
#            wall time / K), against one `lsns -J` run (process included:
#            that is what using lsns costs)
#   process  a whole `nsh -e 'ns.list()'` run against a whole `lsns -J` run
# and the ratios nsh/lsns. Target: nsh no slower than lsns (ratio <= 1).
# Usage: scripts/bench/ns_list.sh [N] [rounds]   (as root; NSH=path skips the build)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-1000}
rounds=${2:-7}
k=20
[ "$(id -u)" = 0 ] || { echo "ns_list: run as root" >&2; exit 1; }
command -v lsns >/dev/null || { echo "ns_list: needs lsns (util-linux)" >&2; exit 1; }

work=$(mktemp -d /tmp/nsbench-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for f in "$work"/pin*; do
    [ -e "$f" ] && { umount -l "$f" 2>/dev/null || true; }
  done
  rm -rf "$work"
}
trap cleanup EXIT

. scripts/bench/lib.sh
bin=$(nsh_binary "$work")

procs=$((n / 2))
pins=$((n - procs))
echo "making $procs net namespaces with a process each and $pins pinned only by a bind mount..."
for ((i = 0; i < procs; i++)); do
  unshare --net sleep 3600 &
  pids+=($!)
done
for ((i = 0; i < pins; i++)); do
  : >"$work/pin$i"
  unshare --net="$work/pin$i" true
done
sleep 1

cat >"$work/calls.lua" <<'EOF2'
local k = tonumber(arg[1])
local n
for i = 1, k do n = #ns.list() end
io.write(n, "\n")
EOF2

now() { date +%s%N; }
# median of the numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "namespaces listed: nsh $("$bin" -e 'print(#ns.list())'), lsns $(lsns -n -r -o NS | wc -l)"
call_nsh=() call_lsns=() proc_nsh=() proc_lsns=()
for ((r = 0; r < rounds; r++)); do
  s=$(now); "$bin" "$work/calls.lua" "$k" >/dev/null; e=$(now)
  s0=$(now); "$bin" -e '' >/dev/null; e0=$(now)
  # per call: (script with k calls - empty start-up) / k
  call_nsh+=($(( ((e - s) - (e0 - s0)) / k / 1000 )))
  s=$(now); for ((i = 0; i < k; i++)); do lsns -J >/dev/null; done; e=$(now)
  call_lsns+=($(( (e - s) / k / 1000 )))
  s=$(now); "$bin" -e 'ns.list()' >/dev/null; e=$(now)
  proc_nsh+=($(( (e - s) / 1000 )))
  s=$(now); lsns -J >/dev/null; e=$(now)
  proc_lsns+=($(( (e - s) / 1000 )))
done
cn=$(printf '%s\n' "${call_nsh[@]}" | median)
cl=$(printf '%s\n' "${call_lsns[@]}" | median)
pn=$(printf '%s\n' "${proc_nsh[@]}" | median)
pl=$(printf '%s\n' "${proc_lsns[@]}" | median)
printf '%-9s %12s %12s %8s\n' measure "nsh (µs)" "lsns (µs)" "nsh/lsns"
printf '%-9s %12d %12d %8.2f\n' call "$cn" "$cl" "$(echo "$cn / $cl" | bc -l)"
printf '%-9s %12d %12d %8.2f\n' process "$pn" "$pl" "$(echo "$pn / $pl" | bc -l)"
