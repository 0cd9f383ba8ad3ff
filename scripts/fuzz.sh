#!/usr/bin/env bash
# Builds the sanitizer build (build-fuzz/: clang, ASan + UBSan, libFuzzer;
# tests/fuzz/README.md) and runs every fuzz target, or the ones named, for
# SECONDS each (default 600) on its seed corpus. Prints the executions and the
# outcome of each target and appends them to build-fuzz/fuzz-runs.tsv.
#   scripts/fuzz.sh [SECONDS] [TARGET...]   e.g. scripts/fuzz.sh 30 token http
#   scripts/fuzz.sh --build                 only build (the unit tests too)
# FUZZ_JOBS=N runs N fuzzing processes per target at once (default 1: the
# machines have 2 cores and other work). Exit status 1 when a target found
# something: the input is in build-fuzz/artifacts/, reproduce it with
# build-fuzz/fuzz/<target> <file>. FUZZ_BUILD_DIR names another build folder.
# Assumes scripts/deps.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${FUZZ_BUILD_DIR:-build-fuzz}
ALL=(token validate rules csv query http)
JOBS=${JOBS:-$(nproc)}
FUZZ_JOBS=${FUZZ_JOBS:-1}
export NODE_PATH=/usr/share/nodejs

if [ ! -f $B/CMakeCache.txt ]; then
  CC=clang CXX=clang++ cmake -S . -B $B -DANKANG_FUZZ=ON -DANKANG_BENCH=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" >/dev/null
fi
cmake --build $B -j"$JOBS"
[ "${1:-}" = "--build" ] && exit 0

SECONDS_EACH=${1:-600}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL[@]}")

# Leaks are findings; any UB already aborts (-fno-sanitize-recover=all).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
mkdir -p $B/artifacts $B/logs
failed=()
printf '%-9s %12s %8s %10s  %s\n' target executions seconds exec/s outcome
for t in "${TARGETS[@]}"; do
  work=$B/corpus/$t
  mkdir -p "$work"
  args=(-max_total_time="$SECONDS_EACH" -artifact_prefix="$B/artifacts/$t-" -print_final_stats=1
        -rss_limit_mb=2560 -timeout=20)
  [ -f tests/fuzz/$t.dict ] && args+=(-dict=tests/fuzz/$t.dict)
  log=$B/logs/$t.log
  rm -f "$log" "$B"/logs/"$t"-job*.log
  status=0
  # FUZZ_JOBS independent processes sharing the corpus folder, each for the whole time.
  pids=()
  for j in $(seq 1 "$FUZZ_JOBS"); do
    $B/fuzz/"$t" "${args[@]}" "$work" tests/fuzz/corpus/"$t" >"$B/logs/$t-job$j.log" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || status=$?; done
  cat "$B"/logs/"$t"-job*.log >"$log"
  runs=$(grep -h '^stat::number_of_executed_units:' "$log" | awk '{s += $2} END {print s + 0}')
  if [ "$status" -eq 0 ]; then outcome=ok; else outcome="FOUND (see $log)"; failed+=("$t"); fi
  printf '%-9s %12s %8s %10s  %s\n' "$t" "$runs" "$SECONDS_EACH" \
    "$(( runs / (SECONDS_EACH > 0 ? SECONDS_EACH : 1) ))" "$outcome"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$(git rev-parse --short HEAD)" "$t" \
    "$runs" "$SECONDS_EACH" "$outcome" >>$B/fuzz-runs.tsv
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}; inputs in $B/artifacts/" >&2
  for t in "${failed[@]}"; do grep -h -m3 -E 'ERROR|runtime error|fuzz:' $B/logs/"$t".log >&2 || true; done
  exit 1
fi
