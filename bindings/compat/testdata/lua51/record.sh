#!/bin/sh
# record.sh: writes NAME.out for each NAME.lua here with PUC-Rio lua5.1's
# output (stdout and stderr). The tests compare nsh's output with these
# files, so they do not need lua5.1 installed; rerun after editing a .lua.
set -e
cd "$(dirname "$0")"
for f in *.lua; do
  lua5.1 "$f" >"${f%.lua}.out" 2>&1 || true
done
