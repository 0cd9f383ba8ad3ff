#!/usr/bin/env bash
# Builds everything: native (core, server, tests) into build/, the wasm module
# into web/wasm/, and the web bundles. Assumes scripts/deps.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}
export NODE_PATH=/usr/share/nodejs  # emcc's optimizer needs Debian's acorn (TOOLCHAIN.md)

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$JOBS"

if [ ! -f build-wasm/CMakeCache.txt ]; then
  emcmake cmake -S . -B build-wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build-wasm -j"$JOBS"

if [ -f web/build.mjs ]; then node web/build.mjs; fi
