#!/usr/bin/env bash
# GET /api/v1/persons/{id}/code of two ankang-server binaries (A = before,
# B = after a change), alternating in the same rounds on the same machine:
# each binary serves its own --dev data folder with RESIDENTS residents signed
# in and declared (bench/floors_setup.py), wrk -t1 -c64 round robin over them
# with bench/floors.lua; medians and the median of the per-round ratios B/A.
# NEW_DAY=1 moves both --dev clocks one day on before each round, so the first
# RESIDENTS codes of every run are each resident's first of the day (the
# morning peak: one new statistics row per display).
#
# Usage: [ROUNDS=5] [DURATION=10s] [THREADS=2] [RESIDENTS=200] [NEW_DAY=1] bench/code_ab.sh A_BINARY B_BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
A=$1
B=$2
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
RESIDENTS=${RESIDENTS:-200}
DATA=$(mktemp -d /tmp/ankang-code-ab-XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

declare -A URL
for side in A B; do
  port=$(free_port)
  URL[$side]="http://127.0.0.1:$port"
  mkdir -p "$DATA/$side"
  "${!side}" --dev --quiet --port "$port" --threads "$THREADS" --data "$DATA/$side" \
    --otp-per-ip-per-hour 100000 >"$DATA/$side.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 200); do curl -sf "${URL[$side]}/healthz" >/dev/null && break; sleep 0.1; done
  python3 bench/floors_setup.py "${URL[$side]}" "$RESIDENTS" "$DATA/$side.residents" "$DATA/$side.verifier"
done

run() {
  local out
  out=$(FLOORS_MODE=code FLOORS_RESIDENTS="$DATA/$1.residents" \
    wrk -t1 -c"$CONNS" -d"$DURATION" -s bench/floors.lua "${URL[$1]}/")
  echo "$out" | grep -q "non-200 answers: 0" || { echo "$1: non-200 answers" >&2; echo "$out" >&2; exit 1; }
  echo "$out" | awk '/^Requests\/sec:/ {printf "%.0f", $2}'
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
RA=""
RB=""
RATIOS=""
for r in $(seq "$ROUNDS"); do
  if [ -n "${NEW_DAY:-}" ]; then
    day=$(date -u -d "+$r day" +%Y-%m-%d)
    for side in A B; do
      curl -sf -XPOST "${URL[$side]}/api/v1/dev/clock" -d "{\"now\":\"${day}T09:00:00+08:00\"}" >/dev/null
    done
  fi
  a=$(run A)
  b=$(run B)
  RA+=" $a"
  RB+=" $b"
  RATIOS+=" $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.3f", b/a}')"
  echo "round $r: A $a | B $b req/s"
done
echo "A median $(echo "$RA" | median) req/s (rounds$RA)"
echo "B median $(echo "$RB" | median) req/s (rounds$RB)"
echo "B/A median of per-round ratios $(echo "$RATIOS" | median)"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
