#!/usr/bin/env bash
# Spawn benchmark: the cost per child of ns.spawn / ns.clone against the
# classic tools and against a bare Go program doing the same work, in one
# run, interleaved over rounds (other work on the machine disturbs single
# runs). Prints median and minimum per-op cost and the ratios:
#   nsh new  / go new   ns.spawn{new={net,uts,ipc,pid,mnt}} vs exec.Cmd+Cloneflags  (target <= 1.10)
#   unshare  / nsh new  unshare -nuipmf /bin/true                                   (target >= 1.50)
#   nsh join / go join  ns.spawn{join=h} vs a locked thread after setns + exec.Cmd  (target <= 1.10)
#   nsenter  / nsh join nsenter --net=… /bin/true                                   (target >= 2.00)
# and the cost of ns.clone of an empty function.
# Usage: scripts/bench/spawn.sh [ops per round] [rounds]   (as root)
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "spawn bench: run as root" >&2; exit 1; }
for tool in unshare nsenter; do
  command -v "$tool" >/dev/null || { echo "spawn bench: needs $tool (util-linux)" >&2; exit 1; }
done
NSH_BENCH_OPS=${1:-100} NSH_BENCH_ROUNDS=${2:-7} \
  go test ./bindings -run '^$' -bench '^BenchmarkSpawnCompare$' -benchtime 1x -count 1 |
  sed -n '/^spawn benchmark/,/^nsenter \//p'
