#!/usr/bin/env bash
# README command 2: install, build native + wasm, and run every test:
# Catch2 core and server tests (ctest), the rule cases in wasm under Node,
# and the browser tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
scripts/deps.sh
scripts/build.sh
export NODE_PATH=/usr/share/nodejs
(cd build && ctest --output-on-failure -j2)
for t in tests/wasm/*.test.mjs; do node "$t"; done
if ls tests/browser/*.test.mjs >/dev/null 2>&1; then
  for t in tests/browser/*.test.mjs; do node "$t"; done
fi
echo "all tests passed in $(( $(date +%s) - start )) s"
