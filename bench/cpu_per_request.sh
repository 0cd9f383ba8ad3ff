#!/usr/bin/env bash
# Server CPU per GET /api/v1/persons/{id}/code: utime+stime of the server process
# (/proc/PID/stat) over one wrk run, divided by the requests it answered. On a box
# shared with other jobs this moves less than req/s does. Runs ankang-server from
# BASE (before) and from BUILD (after) and the signature floor
# (bench/floor_pistache.cc), alternating, ROUNDS rounds of RUN_SECONDS each; each
# server gets RESIDENTS residents (bench/floors_setup.py) and the same wrk script
# (bench/floors.lua, code mode, wrk -t1 -c64).
# Usage: [ROUNDS=3] [RUN_SECONDS=4] [RESIDENTS=50] bench/cpu_per_request.sh BASE_BUILD_DIR [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=$1
BUILD=${2:-build}
ROUNDS=${ROUNDS:-3}
SECONDS_RUN=${RUN_SECONDS:-4}
RESIDENTS=${RESIDENTS:-50}
W=$(mktemp -d /tmp/ankang-cpu-XXXXXX)
PIDS=()
trap 'kill ${PIDS[*]} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$W"' EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
declare -A URL PID
start() {  # name binary
  local port
  port=$(free_port)
  mkdir -p "$W/$1"
  "$2" --dev --quiet --port "$port" --threads 2 --data "$W/$1" --otp-per-ip-per-hour 100000 \
    >"$W/$1.log" 2>&1 &
  PID[$1]=$!
  PIDS+=($!)
  URL[$1]="http://127.0.0.1:$port"
  for _ in $(seq 100); do curl -sf "${URL[$1]}/healthz" >/dev/null && break; sleep 0.2; done
  python3 bench/floors_setup.py "${URL[$1]}" "$RESIDENTS" "$W/$1.res" "$W/$1.ver" >/dev/null
}
start before "$BASE/server/ankang-server"
start after "$BUILD/server/ankang-server"
port=$(free_port)
"$BUILD/bench/floor-pistache" sign "$port" 2 235 >/dev/null 2>&1 &
PID[floor]=$!
PIDS+=($!)
URL[floor]="http://127.0.0.1:$port"
cp "$W/after.res" "$W/floor.res"
sleep 1
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
measure() {  # name -> "req/s us/request"
  local a b out rps
  a=$(cpu "${PID[$1]}")
  out=$(FLOORS_MODE=code FLOORS_RESIDENTS="$W/$1.res" wrk -t1 -c64 -d"${SECONDS_RUN}s" \
    -s bench/floors.lua "${URL[$1]}/")
  b=$(cpu "${PID[$1]}")
  echo "$out" | grep -q "non-200 answers: 0" || { echo "$1: non-200 answers" >&2; exit 1; }
  rps=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
  awk -v a="$a" -v b="$b" -v r="$rps" -v s="$SECONDS_RUN" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%.0f/s %.1f us", r, (b - a) / hz * 1e6 / (r * s)}'
}
echo "load average $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
for r in $(seq "$ROUNDS"); do
  echo "round $r: before $(measure before) | after $(measure after) | signature floor $(measure floor)"
done
