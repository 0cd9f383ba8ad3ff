#!/bin/sh
# Builds the WebAssembly module and prints its size: raw and gzip -9 of
# ankang_core.wasm, ankang_core.js and their sum (the target is
# wasm + glue <= 60 KB gzip).
#   bench/wasm-size.sh [build folder, default build-wasm]
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-build-wasm}
case $dir in /*) ;; *) dir=$root/$dir ;; esac
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}
mkdir -p "$dir"
emcmake cmake -S "$root" -B "$dir" >"$dir/configure.log" 2>&1 || { cat "$dir/configure.log"; exit 1; }
cmake --build "$dir" -j2 --target ankang_core_wasm >/dev/null
total_raw=0
total_gz=0
for f in ankang_core.wasm ankang_core.js; do
  raw=$(wc -c <"$dir/wasm/$f")
  gz=$(gzip -9c "$dir/wasm/$f" | wc -c)
  printf '%-18s %8d bytes  %7d gzip -9\n' "$f" "$raw" "$gz"
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
done
printf '%-18s %8d bytes  %7d gzip -9 (%d.%d KB)\n' total "$total_raw" "$total_gz" \
  $((total_gz / 1024)) $((total_gz % 1024 * 10 / 1024))
