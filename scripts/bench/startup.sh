#!/usr/bin/env bash
# Startup cost: `nsh -e ''` against `lua5.1 -e ''`, median of many runs,
# printed with their ratio; and the resident memory of an idle REPL.
# Usage: scripts/bench/startup.sh [runs]   (installs lua5.1 if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-200}
if ! command -v lua5.1 >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lua5.1 >/dev/null
fi
bin=$(mktemp -d)/nsh
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" .

# median_ms CMD...: run CMD $runs times, print the median wall time in ms.
median_ms() {
  local times=()
  for ((i = 0; i < runs; i++)); do
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null
    e=$(date +%s%N)
    times+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]/1000}'
}

"$bin" -e '' && lua5.1 -e ''   # warm the page cache
nsh_ms=$(median_ms "$bin" -e '')
lua_ms=$(median_ms lua5.1 -e '')
echo "startup, median of $runs runs:"
echo "  nsh -e ''     ${nsh_ms} ms"
echo "  lua5.1 -e ''  ${lua_ms} ms"
awk -v a="$nsh_ms" -v b="$lua_ms" 'BEGIN {printf "  ratio nsh/lua5.1: %.2fx (target <= 2x)\n", a/b}'

# Resident memory of an idle REPL: run it on a pseudo-terminal-less stdin
# held open, so it sits waiting for input.
fifo=$(mktemp -u)
mkfifo "$fifo"
"$bin" -i <"$fifo" >/dev/null 2>&1 &
pid=$!
exec 9>"$fifo"
sleep 0.5
rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
exec 9>&-
wait $pid || true
rm -f "$fifo"
echo "idle REPL resident memory: ${rss} kB"
