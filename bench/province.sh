#!/usr/bin/env bash
# Rule-set activation at province scale (issue 10, part 4). For each of SMALL
# and BIG synthetic persons (bench/province_gen.cc writes them straight into a
# data folder), ankang-server --dev serves that folder and this script measures:
#   - RSS of the server idle after start, and at the end (VmRSS, VmHWM);
#   - GET /api/v1/persons/{id}/code with wrk (bench/floors.lua, "code" mode)
#     round robin over SESSIONS residents spread over the population: req/s and
#     p99, steady state (after a warm-up run);
#   - the activation of the stored rule set "province-strict" (the default
#     preset with medium risk red): the answer's time (curl), then GET /code
#     again while the background recolouring runs (p99 during it), then the
#     recolouring to its end: persons per second under that load, alone, and
#     overall, with its counts.
# Usage: [SMALL=10000] [BIG=1000000] [SESSIONS=10000] [DURATION=20s] [CONNS=32]
#        [THREADS=2] [GEN_DIR=/var/tmp/ankang-province] [NO_BUILD=1] [OUT=file.md] [LABEL=text]
#        bench/province.sh [BUILD_DIR]
# GEN_DIR keeps the generated folders (GEN_DIR/<N>): later runs copy them
# instead of generating again (1,000,000 persons take several minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-${ANKANG_BUILD_DIR:-build}}
SMALL=${SMALL:-10000}
BIG=${BIG:-1000000}
SESSIONS=${SESSIONS:-10000}
DURATION=${DURATION:-20s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
GEN_DIR=${GEN_DIR:-/var/tmp/ankang-province}
OUT=${OUT:-}
# What the build is, for the report (default: this tree's commit, and whether server/ or
# shared/ differ from it, which the build may or may not have compiled).
LABEL=${LABEL:-$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- server shared 2>/dev/null || echo ' + uncommitted changes in server/ or shared/')}

if [ -z "${NO_BUILD:-}" ]; then
  cmake "$BUILD" >/dev/null
  cmake --build "$BUILD" --target ankang-server province-gen -j2 >/dev/null
fi
SERVER="$BUILD/server/ankang-server"
GEN="$BUILD/bench/province-gen"
WORK=$(mktemp -d /tmp/ankang-province-XXXXXX)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$PID/status"; }
# VmRSS now into variable $1, also kept as the largest seen in RSS_MAX (VmHWM counts start-up, where
# --dev hashes the staff passwords with Argon2id: 64 MiB for a moment).
rss_into() {
  local v
  v=$(kb VmRSS)
  if [ "$v" -gt "$RSS_MAX" ]; then RSS_MAX=$v; fi
  printf -v "$1" '%s' "$v"
}
mib() { awk -v v="$1" 'BEGIN {printf "%.1f", v / 1024}'; }

# wrk GET /code for $1; prints "req/s p99_ms".
code_run() {
  local out
  out=$(FLOORS_MODE=code FLOORS_RESIDENTS="$SESSIONS_FILE" wrk -t1 -c"$CONNS" -d"$1" --latency \
    -s bench/floors.lua "$URL/")
  echo "$out" | grep -q "non-200 answers: 0" || { echo "GET /code: non-200 answers" >&2; echo "$out" >&2; exit 1; }
  echo "$out" | awk '/^Requests\/sec:/ {r=$2}
    / 99%/ {v=$2; u=v; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u);
            p = (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : v}
    END {printf "%.0f %.1f\n", r, p}'
}
job() { curl -sf "$URL/api/v1/admin/recolour-jobs/$JOB" -H "Authorization: Bearer $ADMIN"; }

ROWS=""
NOTES=""
for N in "$SMALL" "$BIG"; do
  if [ ! -f "$GEN_DIR/$N/ankang.db" ]; then
    echo "generating $N persons into $GEN_DIR/$N ..."
    rm -rf "$GEN_DIR/$N.tmp"
    "$GEN" "$GEN_DIR/$N.tmp" "$N" "$SESSIONS" | tee "$WORK/gen-$N.txt"
    mv "$GEN_DIR/$N.tmp" "$GEN_DIR/$N"
    cp "$WORK/gen-$N.txt" "$GEN_DIR/$N/generated.txt"
  fi
  echo "copying $GEN_DIR/$N ..."
  cp -r "$GEN_DIR/$N" "$WORK/$N"
  SESSIONS_FILE="$WORK/$N/sessions.txt"
  DB_MB=$(du -m "$WORK/$N/ankang.db" | cut -f1)

  PORT=$(free_port)
  URL="http://127.0.0.1:$PORT"
  "$SERVER" --dev --quiet --port "$PORT" --threads "$THREADS" --data "$WORK/$N" \
    >"$WORK/server-$N.log" 2>&1 &
  PID=$!
  for _ in $(seq 600); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.1; done
  curl -sf "$URL/healthz" >/dev/null || { echo "server did not start" >&2; cat "$WORK/server-$N.log" >&2; exit 1; }
  sleep 1
  RSS_MAX=0
  rss_into RSS_IDLE
  ADMIN=$(curl -sf -XPOST "$URL/api/v1/auth/staff" -d '{"username":"admin","password":"ankang-dev"}' | json 'd["token"]')

  echo "$N persons: warm-up, then GET /code for $DURATION"
  code_run 5s >/dev/null
  read -r RPS P99 < <(code_run "$DURATION")
  rss_into RSS_LOAD
  echo "  GET /code: $RPS req/s, p99 $P99 ms; RSS idle $(mib "$RSS_IDLE") MiB, after load $(mib "$RSS_LOAD") MiB"

  T_ACT=$(curl -s -o "$WORK/act-$N.json" -w '%{time_total}' -XPOST \
    "$URL/api/v1/admin/rulesets/rs_province_strict/activate" -H "Authorization: Bearer $ADMIN" -d '{}')
  T_ACT=$(awk -v t="$T_ACT" 'BEGIN {printf "%.0f", t * 1000}')
  JOB=$(json 'd["job"]["job_id"]' < "$WORK/act-$N.json")
  echo "  activation answered in $T_ACT ms ($(json 'd["job"]["state"]' < "$WORK/act-$N.json")); GET /code during the recolouring"
  read -r RPS_D P99_D < <(code_run "$DURATION")
  # The job's own clock: persons done and seconds run when the load stopped, and at its end.
  read -r STATE_W DONE_W SEC_W < <(job | json '"%s %d %.3f" % (d["state"], d["done"], d["seconds"])')
  rss_into RSS_DURING
  echo "  during: $RPS_D req/s, p99 $P99_D ms; job $STATE_W, $DONE_W done after $SEC_W s"
  i=0
  while :; do
    J=$(job)
    rss_into RSS_NOW
    STATE=$(echo "$J" | json 'd["state"]')
    [ "$STATE" = queued ] || [ "$STATE" = running ] || break
    [ $((i % 10)) -eq 0 ] && echo "  $(echo "$J" | json '"%d / %d persons, %.0f/s" % (d["done"], d["total"] or 0, d["rate"])')"
    i=$((i + 1))
    sleep 1
  done
  read -r TOTAL SECONDS_JOB SCORED CHANGED STORED < <(echo "$J" |
    json '"%d %.1f %d %d %d" % (d["done"], d["seconds"], d["counts"]["total"], d["counts"]["changed"], d["stored"])')
  TRANSITIONS=$(echo "$J" | json '", ".join("%s %d" % kv for kv in d["counts"]["transitions"].items())')
  [ "$STATE" = finished ] || { echo "recolouring ended $STATE" >&2; exit 1; }
  RATE_ALL=$(awk -v n="$TOTAL" -v s="$SECONDS_JOB" 'BEGIN {printf "%.0f", n / s}')
  RATE_LOAD=$(awk -v n="$DONE_W" -v s="$SEC_W" 'BEGIN {printf "%.0f", n / s}')
  if [ "$STATE_W" = running ]; then
    RATE_ALONE=$(awk -v n="$TOTAL" -v d="$DONE_W" -v a="$SEC_W" -v b="$SECONDS_JOB" 'BEGIN {printf "%.0f", (n - d) / (b - a)}')
  else
    RATE_ALONE="(ended under load)"
  fi
  rss_into RSS_END
  HWM=$(kb VmHWM)
  echo "  recolouring: $TOTAL persons in $SECONDS_JOB s ($RATE_ALL/s; $RATE_LOAD/s under GET /code load, $RATE_ALONE/s alone); $CHANGED recoloured; RSS $(mib "$RSS_END") MiB, largest seen $(mib "$RSS_MAX") MiB (VmHWM $(mib "$HWM"))"
  ROWS+="| $N | $DB_MB | $(mib "$RSS_IDLE") | $RPS | $P99 | $T_ACT | $RPS_D | $P99_D | $RATE_LOAD | $RATE_ALONE | $TOTAL in ${SECONDS_JOB} s ($RATE_ALL/s) | $(mib "$RSS_MAX") |"$'\n'
  NOTES+="- $N persons: $(head -1 "$GEN_DIR/$N/generated.txt" 2>/dev/null || true); recolouring: $SCORED scored, $CHANGED recoloured ($TRANSITIONS), $STORED colours stored; job $STATE_W when the load stopped; RSS then $(mib "$RSS_DURING") MiB, at the end $(mib "$RSS_END") MiB (VmHWM $(mib "$HWM") MiB, start-up's Argon2id included)."$'\n'
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  rm -rf "${WORK:?}/$N"
done

CPU=$(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')
REPORT=$(cat <<MD
Province scale (bench/province.sh), $(date -u '+%Y-%m-%d %H:%M') UTC, build \`$BUILD\` ($LABEL).
Machine: $(nproc) CPUs ($CPU), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end.
ankang-server --dev --threads $THREADS on SQLite; wrk -t1 -c$CONNS -d$DURATION --latency, GET /code round robin over $SESSIONS residents spread over the population.

| persons | db (MB) | RSS idle (MiB) | GET /code req/s | p99 (ms) | activation answer (ms) | GET /code req/s during recolouring | p99 during (ms) | recolouring persons/s under that load | persons/s alone | whole recolouring | largest RSS seen (MiB) |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${ROWS}
${NOTES}
Command: \`SMALL=$SMALL BIG=$BIG SESSIONS=$SESSIONS DURATION=$DURATION CONNS=$CONNS bench/province.sh $BUILD\`
MD
)
echo
echo "$REPORT"
[ -n "$OUT" ] && echo "$REPORT" > "$OUT"
exit 0
