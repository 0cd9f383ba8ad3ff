#!/usr/bin/env bash
# Benchmark of durable declarations: POST /api/v1/declarations (201 only after
# the row is on disk: SQLite WAL, synchronous=FULL) for 200 signed-in residents
# of a --dev server, round robin, at 1 and at 64 keep-alive connections (wrk
# -t1), ROUNDS rounds, medians of req/s and of the p99 latency. With BASE=<other
# build dir> a second ankang-server (e.g. the previous commit's) runs in the
# same rounds, alternating, so before and after see the same load.
# Usage: [BASE=/path/to/old/build] [THREADS=16] bench/declare.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-${ANKANG_BUILD_DIR:-build}}
# Server worker threads: each one blocks while its write commits, so they
# bound how many declarations can share one commit.
: "${BASE:=}" "${ROUNDS:=3}" "${DURATION:=10s}" "${THREADS:=16}" "${RESIDENTS:=200}"

cmake --build "$BUILD" --target ankang-server -j2 >/dev/null
DATA=$(mktemp -d /tmp/ankang-declare-XXXXXX)
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
PIDS=()
trap 'kill ${PIDS[*]} 2>/dev/null || true; rm -rf "$DATA"' EXIT
wait_up() { for _ in $(seq 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; return 1; }

# Starts an ankang-server from build dir $1 under name $2 and signs in the
# residents, each declaring once for themselves; writes $DATA/$2.residents.
start_ankang() {
  local port
  port=$(free_port)
  mkdir -p "$DATA/$2"
  "$1/server/ankang-server" --dev --quiet --port "$port" --threads "$THREADS" --data "$DATA/$2" \
    --otp-per-ip-per-hour 100000 \
    >"$DATA/$2.log" 2>&1 &
  PIDS+=($!)
  printf -v "URL_$2" '%s' "http://127.0.0.1:$port"
  wait_up "http://127.0.0.1:$port/healthz"
  python3 - "http://127.0.0.1:$port" "$RESIDENTS" "$DATA/$2.residents" <<'PY'
import json, sys, urllib.request
url, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def call(path, body, token=None):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)
with open(out, "w") as f:
    for i in range(n):
        phone = "137%08d" % (20000000 + i)
        body = "110105" + "1981%02d%02d" % (i % 12 + 1, i % 28 + 1) + "%03d" % (i % 1000)
        rid = body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]
        code = call("/api/v1/auth/otp", {"phone": phone})["dev_code"]
        token = call("/api/v1/auth/login", {"phone": phone, "code": code})["token"]
        person = call("/api/v1/declarations", {
            "person": {"name": "张小三", "id_type": "resident_id", "id_number": rid, "phone": phone,
                       "nationality": "CHN", "region": "370102", "address": "历下区某路%d号" % (i + 1),
                       "relation": "self"},
            "health": {"temperature": 36.6, "symptoms": [], "fever_clinic_14d": False},
            "travel_14d": [], "contact_14d": "none", "commitment": True}, token)["person_id"]
        f.write("%s %s\n" % (person, token))
PY
}

# One wrk run against server $1 with $2 connections; prints "req/s p99_ms".
run() {
  local url out
  url=$(eval echo "\$URL_$1")
  out=$(ANKANG_RESIDENTS="$DATA/$1.residents" wrk -t1 -c"$2" -d"$DURATION" --latency \
    -s bench/declare.lua "$url/api/v1/declarations")
  echo "$out" | grep -q "non-201 answers: 0" || { echo "declare ($1): non-201 answers" >&2; echo "$out" >&2; exit 1; }
  echo "$out" | awk '/^Requests\/sec:/ {r=$2}
    / 99%/ {v=$2; u=v; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u);
            p = (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : v}
    END {printf "%s %.1f\n", r, p}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
NAMES=(new)
start_ankang "$BUILD" new
if [ -n "$BASE" ]; then NAMES+=(base); start_ankang "$BASE" base; fi
declare -A RPS P99
for r in $(seq "$ROUNDS"); do
  # Every run adds declarations to the same residents' histories, which each
  # declaration's rescoring reads (60 days): odd rounds run 1 connection first,
  # even rounds 64 first, so neither count always meets the longer history.
  ORDER="1 64"
  [ $((r % 2)) -eq 0 ] && ORDER="64 1"
  for name in "${NAMES[@]}"; do
    for c in $ORDER; do
      read -r rps p99 < <(run "$name" "$c")
      RPS[$name,$c]+="$rps "; P99[$name,$c]+="$p99 "
      echo "round $r: $name c=$c $rps req/s p99 $p99 ms"
    done
  done
done
echo
echo "Load average before: $LOAD; $(nproc) CPUs; server --threads $THREADS; wrk -t1 -d$DURATION; $ROUNDS rounds, medians"
echo "| build | 1 connection (req/s) | 64 connections (req/s) | 64 / 1 | p99 at 1 (ms) | p99 at 64 (ms) |"
echo "|---|---|---|---|---|---|"
for name in "${NAMES[@]}"; do
  m1=$(printf '%s\n' ${RPS[$name,1]} | median); m64=$(printf '%s\n' ${RPS[$name,64]} | median)
  p1=$(printf '%s\n' ${P99[$name,1]} | median); p64=$(printf '%s\n' ${P99[$name,64]} | median)
  dir=$BUILD; [ "$name" = base ] && dir=$BASE
  echo "| $name (\`$dir\`) | $m1 | $m64 | $(awk -v a="$m64" -v b="$m1" 'BEGIN {printf "%.2f", a/b}') | $p1 | $p64 |"
done
