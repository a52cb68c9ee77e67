#!/usr/bin/env bash
# W1: add then delete N named network namespaces (default 200), three ways,
# in one run, each way timed as one whole process run (startup included):
#   nsh    one nsh script: netns.add(name):close() N times, then netns.del N times
#   batch  one `ip -batch` file: N `netns add`, then N `netns del`
#   loop   a shell loop: N `ip netns add`, then N `ip netns del` processes
# Targets: nsh within 1.15x of ip -batch; loop at least 4x slower than nsh.
#
# Then, per namespace and per phase (the N adds, then the N deletes), the
# in-process cost, medians of the rounds, interleaved the same way:
#   core     nsh's Go core: netns.Add/Del from any goroutine, through the
#            kept worker thread (go test -bench BenchmarkAddDel in
#            bindings/core/netns, the phases timed inside the process)
#   caller   the same core as the Lua thread calls it: AddFromCaller on one
#            locked thread, which makes each namespace itself and comes
#            back (BenchmarkAddDelFromCaller)
#   vnetns   vishvananda/netns NewNamed (then setns back) / DeleteNamed from
#            one locked thread of one Go process (BenchmarkNewNamed)
#   batch    `ip -batch` of N adds, then of N deletes: two processes, each
#            less the median start-up of `ip -batch` on an empty file
#   lua      nsh running netns.add N times, then netns.del N times: two
#            processes, each less the start-up of nsh on an empty script
# Targets: caller add+del within 1.2x of vnetns, and below ip -batch.
#
# The ways are interleaved over several rounds, in a rotating order, with a
# pause before each run so the kernel finishes destroying the namespaces
# the previous run deleted (it does so asynchronously; on a busy machine
# that work would be billed to whoever runs next). Each table shows the
# fastest and the median round, the cost per operation (2N operations: N
# adds and N deletes) and the ratios.
#
# It measures twice:
#   host   on the host's /run/netns, where `ip netns` users work;
#   tmpfs  in a private mount namespace with a fresh tmpfs on /run/netns,
#          as on a host whose /run is a tmpfs (systemd's). Where /run is on
#          ext4, as on this build machine, creating the file /run/netns/NAME
#          costs as much as making the namespace, and more the more files
#          were deleted there in the last minutes (ext4's inode allocator
#          skips recently deleted inodes), so host timings drift upwards run
#          after run whatever the tool; tmpfs isolates what the tools add.
#
# Usage: scripts/bench/netns_w1.sh [N] [rounds]   (as root; NSH=path skips the
# build, NETNS_TEST=path a test binary of bindings/core/netns built with
# go test -c, SETTLE=seconds sets the pause (default 0.5), W1_ONLY=host|tmpfs
# measures one place)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-200}
rounds=${2:-7}
only=${W1_ONLY:-}
[ "$(id -u)" = 0 ] || { echo "netns_w1: run as root" >&2; exit 1; }
command -v ip >/dev/null || { echo "netns_w1: needs ip (iproute2)" >&2; exit 1; }

# The tmpfs pass: this script again, inside its own mount namespace.
if [ -n "${W1_INNER:-}" ]; then
  mount -t tmpfs -o mode=755 w1-netns /run/netns
fi

work=$(mktemp -d)
prefix="w1-$$-"
cleanup() {
  for f in /run/netns/"$prefix"*; do
    [ -e "$f" ] && ip netns del "$(basename "$f")" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

. scripts/bench/lib.sh
bin=$(nsh_binary "$work")

cat >"$work/w1.lua" <<'EOF'
local n, prefix = tonumber(arg[1]), arg[2]
for i = 1, n do netns.add(prefix .. i):close() end
for i = 1, n do netns.del(prefix .. i) end
EOF
{
  for ((i = 1; i <= n; i++)); do echo "netns add ${prefix}b$i"; done
  for ((i = 1; i <= n; i++)); do echo "netns del ${prefix}b$i"; done
  } >"$work/batch"
# The phase files: adds and deletes apart.
for ((i = 1; i <= n; i++)); do echo "netns add ${prefix}p$i"; done >"$work/batch-add"
for ((i = 1; i <= n; i++)); do echo "netns del ${prefix}p$i"; done >"$work/batch-del"
: >"$work/batch-empty"
cat >"$work/add.lua" <<'EOF'
local n, prefix = tonumber(arg[1]), arg[2]
for i = 1, n do netns.add(prefix .. i):close() end
EOF
cat >"$work/del.lua" <<'EOF'
local n, prefix = tonumber(arg[1]), arg[2]
for i = 1, n do netns.del(prefix .. i) end
EOF
: >"$work/empty.lua"
if [ -n "${NETNS_TEST:-}" ]; then
  cp "$NETNS_TEST" "$work/netns.test"
else
  go test -c -o "$work/netns.test" ./bindings/core/netns
fi

run_nsh() { "$bin" "$work/w1.lua" "$n" "${prefix}n"; }
run_batch() { ip -batch "$work/batch"; }
run_loop() {
  for ((i = 1; i <= n; i++)); do ip netns add "${prefix}l$i"; done
  for ((i = 1; i <= n; i++)); do ip netns del "${prefix}l$i"; done
}

# The phase ways: each prints "ADD DEL", microseconds per namespace.
gobench() {
  "$work/netns.test" -test.run '^$' -test.bench "^$1\$" -test.benchtime "${n}x" |
    awk '$1 ~ /^Benchmark/ {for (i = 2; i < NF; i++) {if ($(i+1) == "add-us/ns") a = $i; if ($(i+1) == "del-us/ns") d = $i}}
         END {if (a == "" || d == "") exit 1; print a, d}'
}
phase_core() { gobench BenchmarkAddDel; }
phase_caller() { gobench BenchmarkAddDelFromCaller; }
phase_vnetns() { gobench BenchmarkNewNamed; }
# phase_proc ADDFUNC DELFUNC EMPTYFUNC: the two runs, less start-up (the
# fastest of three empty runs).
phase_proc() {
  local a d e
  a=$(time_us "$1")
  d=$(time_us "$2")
  e=$(for _ in 1 2 3; do time_us "$3"; done | sort -n | head -1)
  awk -v a="$a" -v d="$d" -v e="$e" -v n="$n" 'BEGIN {print (a-e)/n, (d-e)/n}'
}
batch_add() { ip -batch "$work/batch-add"; }
batch_del() { ip -batch "$work/batch-del"; }
batch_empty() { ip -batch "$work/batch-empty"; }
lua_add() { "$bin" "$work/add.lua" "$n" "${prefix}q"; }
lua_del() { "$bin" "$work/del.lua" "$n" "${prefix}q"; }
lua_empty() { "$bin" "$work/empty.lua"; }
phase_batch() { phase_proc batch_add batch_del batch_empty; }
phase_lua() { phase_proc lua_add lua_del lua_empty; }

# phases WHERE: the per-namespace phase table.
phases() {
  local where=$1 settle=${SETTLE:-0.5} ways=(core caller vnetns batch lua) way r k a d
  declare -A adds dels sum
  for ((r = 0; r < rounds; r++)); do
    for ((k = 0; k < ${#ways[@]}; k++)); do
      way=${ways[$(((r + k) % ${#ways[@]}))]}
      sleep "$settle"
      read -r a d <<<"$("phase_$way")"
      adds[$way]+="$a "
      dels[$way]+="$d "
    done
  done
  med() { printf '%s\n' $1 | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  echo "W1 phases on $where: us per namespace, medians of $rounds interleaved runs of $n"
  printf '  %-34s %9s %9s %9s\n' way add del add+del
  for way in "${ways[@]}"; do
    a=$(med "${adds[$way]}")
    d=$(med "${dels[$way]}")
    sum[$way]=$(awk -v a="$a" -v d="$d" 'BEGIN {print a+d}')
    case $way in
      core) label="nsh core, worker (Add/Del)" ;;
      caller) label="nsh core, caller (AddFromCaller)" ;;
      vnetns) label="vishvananda/netns NewNamed" ;;
      batch) label="ip -batch" ;;
      lua) label="nsh Lua (netns.add/del)" ;;
    esac
    awk -v w="$label" -v a="$a" -v d="$d" 'BEGIN {printf "  %-34s %9.1f %9.1f %9.1f\n", w, a, d, a+d}'
  done
  awk -v c="${sum[caller]}" -v w="${sum[core]}" -v v="${sum[vnetns]}" -v b="${sum[batch]}" -v l="${sum[lua]}" 'BEGIN {
    printf "  caller / vnetns:    %.2fx  target <= 1.2x\n", c/v
    printf "  caller / ip -batch: %.2fx  target < 1x\n", c/b
    printf "  worker / ip -batch: %.2fx\n", w/b
    printf "  lua / ip -batch:    %.2fx\n", l/b }'
}

# time_us FUNC: run FUNC once, print its wall time in microseconds.
time_us() {
  local s e
  s=$(date +%s%N)
  "$1" >/dev/null
  e=$(date +%s%N)
  echo $(((e - s) / 1000))
}

# measure WHERE: time the three ways and print the table.
measure() {
  local where=$1 settle=${SETTLE:-0.5} ways=(nsh batch loop) way r k
  # Each way must leave nothing behind (this also warms the caches).
  for way in "${ways[@]}"; do
    "run_$way" >/dev/null
    if compgen -G "/run/netns/${prefix}*" >/dev/null; then
      echo "netns_w1: $way left names behind" >&2
      exit 1
    fi
  done
  declare -A times
  for ((r = 0; r < rounds; r++)); do
    for ((k = 0; k < 3; k++)); do
      way=${ways[$(((r + k) % 3))]}
      sleep "$settle"
      times[$way]+="$(time_us "run_$way") "
    done
  done
  # stat WAY: "min median" of the rounds, in microseconds.
  stat() { printf '%s\n' ${times[$1]} | sort -n | awk '{a[NR]=$1} END {print a[1], a[int((NR+1)/2)]}'; }
  local nsh_min nsh_med batch_min batch_med loop_min loop_med ops=$((2 * n))
  read -r nsh_min nsh_med <<<"$(stat nsh)"
  read -r batch_min batch_med <<<"$(stat batch)"
  read -r loop_min loop_med <<<"$(stat loop)"
  echo "W1 on $where: add then delete $n named netns ($ops operations), $rounds rounds"
  printf '  %-28s %10s %10s %12s\n' way "min ms" "median ms" "us/op (min)"
  row() { awk -v w="$1" -v a="$2" -v b="$3" -v o="$ops" 'BEGIN {printf "  %-28s %10.1f %10.1f %12.1f\n", w, a/1000, b/1000, a/o}'; }
  row "nsh script" "$nsh_min" "$nsh_med"
  row "ip -batch" "$batch_min" "$batch_med"
  row "shell loop of ip netns" "$loop_min" "$loop_med"
  awk -v a="$nsh_min" -v b="$batch_min" -v am="$nsh_med" -v bm="$batch_med" 'BEGIN {
    printf "  nsh / ip -batch:   %.2fx (median %.2fx)  target <= 1.15x\n", a/b, am/bm }'
  awk -v a="$loop_min" -v b="$nsh_min" -v am="$loop_med" -v bm="$nsh_med" 'BEGIN {
    printf "  shell loop / nsh:  %.2fx (median %.2fx)  target >= 4x\n", a/b, am/bm }'
  echo
  phases "$where"
}

if [ -n "${W1_INNER:-}" ]; then
  measure "a private tmpfs on /run/netns"
  exit 0
fi
if [ "$only" != tmpfs ]; then
  mkdir -p /run/netns
  measure "the host's /run/netns ($(stat -f -c %T /run/netns))"
fi
if [ "$only" != host ]; then
  [ "$only" = tmpfs ] || echo
  mkdir -p /run/netns
  W1_INNER=1 NSH=$bin NETNS_TEST=$work/netns.test unshare --mount --propagation private "$0" "$n" "$rounds"
fi
