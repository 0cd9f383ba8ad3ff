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
# The same rule cases and declaration vectors in wasm (Node) and native.
node --test tests/wasm/
# HTTP tests against the real server binary.
if ls tests/server/*.test.mjs >/dev/null 2>&1; then node --test --test-concurrency=1 tests/server/; fi
# Browser tests in headless Chromium against the real server.
if ls tests/browser/*.test.mjs >/dev/null 2>&1; then node --test --test-concurrency=1 tests/browser/; fi
echo "all tests passed in $(( $(date +%s) - start )) s"
