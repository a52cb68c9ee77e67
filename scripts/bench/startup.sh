#!/usr/bin/env bash
# Startup cost: `nsh -e ''` against `lua5.1 -e ''` (and a Go program that
# does nothing, the floor for any Go binary), timed by hyperfine without a
# shell in between, median of many runs, printed with the ratio. Then the
# resident memory of an idle REPL.
# Usage: scripts/bench/startup.sh [runs]   (installs lua5.1 and hyperfine if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-500}
missing=()
command -v lua5.1 >/dev/null || missing+=(lua5.1)
command -v hyperfine >/dev/null || missing+=(hyperfine)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/nsh" .
mkdir "$work/empty" && printf 'package main\n\nfunc main() {}\n' >"$work/empty/main.go" &&
  (cd "$work/empty" && printf 'module empty\n\ngo 1.26\n' >go.mod && go build -o "$work/empty-go" .)

hyperfine -N --style none --warmup 50 --runs "$runs" --export-json "$work/t.json" \
  "$work/nsh -e ''" "lua5.1 -e ''" "$work/empty-go" >/dev/null 2>&1
python3 - "$work/t.json" "$runs" <<'PY'
import json, sys
res = {r["command"].split("/")[-1]: r for r in json.load(open(sys.argv[1]))["results"]}
nsh, lua, empty = res["nsh -e ''"], res["lua5.1 -e ''"], res["empty-go"]
print(f"startup, median of {sys.argv[2]} runs (min in brackets):")
for name, r in (("nsh -e ''", nsh), ("lua5.1 -e ''", lua), ("empty Go program", empty)):
    print(f"  {name:18} {r['median']*1000:6.3f} ms  ({r['min']*1000:.3f})")
print(f"  ratio nsh/lua5.1: {nsh['median']/lua['median']:.2f}x (target <= 2x)")
PY

# Resident memory of an idle REPL, waiting on a held-open pipe.
mkfifo "$work/in"
"$work/nsh" -i <"$work/in" >/dev/null 2>&1 &
pid=$!
exec 9>"$work/in"
sleep 0.5
echo "idle REPL resident memory: $(awk '/VmRSS/ {print $2}' /proc/$pid/status) kB"
exec 9>&-
wait $pid || true
