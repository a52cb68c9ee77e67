#!/usr/bin/env bash
# lua51-suite.sh DIR: runs each test file of the official Lua 5.1 suite in DIR
# under nsh and, when lua5.1 is installed, under it too, and prints one line
# per file with both outcomes, then "N passed, N failed" for nsh.
#
# nsh is $NSH when set, else built once from this tree. A file passes when
# the interpreter exits with status 0 within $SUITE_TIMEOUT seconds (default
# 300). Each file runs from a fresh copy of DIR as its working directory, with
# the two platform fixes DIR's PROVENANCE names for 64-bit machines, applied
# alike to both interpreters: calls.lua without lines 141, 143 and 144, and
# big.lua without lines 10-11, run inside a coroutine as all.lua does. all.lua
# itself, the driver that runs every other file, is not run. Logs stay in
# $SUITE_LOGS when set.
set -uo pipefail

dir=${1:?usage: lua51-suite.sh DIR}
dir=$(cd "$dir" && pwd)
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
logs=${SUITE_LOGS:-$tmp/logs}
mkdir -p "$logs"
timeout=${SUITE_TIMEOUT:-300}

if [ -n "${NSH:-}" ]; then
  nsh=$NSH
else
  go build -o "$tmp/nsh" . || exit 1
  nsh=$tmp/nsh
fi
ref=$(command -v lua5.1 || true)

# prepare DEST: a copy of the suite with the platform fixes.
prepare() {
  rm -rf "$1"
  cp -r "$dir" "$1"
  mkdir -p "$1/libs/P1"
  if [ -f "$1/calls.lua" ]; then
    sed -i '141d;143d;144d' "$1/calls.lua"
  fi
  if [ -f "$1/big.lua" ]; then
    sed -i '10,11d' "$1/big.lua"
    cat >"$1/big_coroutine.lua" <<'EOF'
local f = coroutine.wrap(assert(loadfile('big.lua'))); assert(f() == 'b'); assert(f() == 'a')
EOF
  fi
}

# run INTERP NAME FILE: runs one file, prints pass or fail.
run() {
  local interp=$1 name=$2 file=$3 work=$tmp/work
  prepare "$work"
  local script=$file
  [ "$file" = big.lua ] && script=big_coroutine.lua
  if (cd "$work" && timeout "$timeout" "$interp" "$script" </dev/null >"$logs/$name.$file.log" 2>&1); then
    echo pass
  else
    echo fail
  fi
}

passed=0 failed=0
printf '%-16s %-6s %s\n' file nsh lua5.1
for path in "$dir"/*.lua; do
  file=$(basename "$path")
  [ "$file" = all.lua ] && continue
  a=$(run "$nsh" nsh "$file")
  b=-
  [ -n "$ref" ] && b=$(run "$ref" lua5.1 "$file")
  printf '%-16s %-6s %s\n' "$file" "$a" "$b"
  if [ "$a" = pass ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed"
