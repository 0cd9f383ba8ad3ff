#!/usr/bin/env bash
# README command 2: install, build native + wasm, and run every test:
# Catch2 core and server tests (ctest; again under ASan + UBSan), each fuzz
# target briefly, the rule cases in wasm under Node, and the browser tests in
# headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
scripts/deps.sh
scripts/build.sh
export NODE_PATH=/usr/share/nodejs
(cd build && ctest --output-on-failure -j2)
# The same Catch2 tests under ASan + UBSan (any UB aborts, leaks fail), and each
# libFuzzer target for FUZZ_SECONDS (clang build in build-fuzz/, tests/fuzz/README.md).
scripts/fuzz.sh --build
(cd build-fuzz && ctest --output-on-failure -j2)
scripts/fuzz.sh "${FUZZ_SECONDS:-15}"
# Each Node test file runs on its own, one after the other: the server and
# browser tests start real processes on this machine, and listing files (not
# folders or --test-concurrency) works with Debian 12's Node 18 as with Node 20.
run_node_tests() {
  local f
  for f in "$@"; do
    [ -e "$f" ] || continue
    echo "== node --test $f"
    node --test "$f"
  done
}
# The same rule cases and declaration vectors in wasm (Node) and native.
run_node_tests tests/wasm/*.test.mjs
# HTTP tests against the real server binary (SQLite, nginx in front, PostgreSQL).
run_node_tests tests/server/*.test.mjs
# Browser tests in headless Chromium against the real server.
run_node_tests tests/browser/*.test.mjs
echo "all tests passed in $(( $(date +%s) - start )) s"
