#!/usr/bin/env bash
# Benchmark of POST /api/v1/verify (a real token, a real verifier session,
# signature check + current colour from storage and the rules) against
# Pistache's bare handler answering a fixed JSON, in the same run on the same
# machine: wrk, 64 keep-alive connections, 10 s, 3 rounds, medians.
# Writes bench/RESULTS.md.  Usage: bench/verify.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-${ANKANG_BUILD_DIR:-build}}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}

cmake --build "$BUILD" --target ankang-server bare-pistache -j2 >/dev/null
SERVER="$BUILD/server/ankang-server"
BARE="$BUILD/bench/bare-pistache"
DATA=$(mktemp -d /tmp/ankang-bench-XXXXXX)
PORT_A=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
PORT_B=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')

"$SERVER" --dev --quiet --port "$PORT_A" --threads "$THREADS" --data "$DATA" >"$DATA/server.log" 2>&1 &
PID_A=$!
"$BARE" "$PORT_B" "$THREADS" >"$DATA/bare.log" 2>&1 &
PID_B=$!
trap 'kill $PID_A $PID_B 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$PORT_A/healthz" >/dev/null && curl -sf -XPOST "http://127.0.0.1:$PORT_B/" >/dev/null && break
  sleep 0.1
done

# A resident declares and reads a code; a verifier logs in.
A="http://127.0.0.1:$PORT_A"
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
PHONE=13912345678
CODE=$(curl -sf -XPOST "$A/api/v1/auth/otp" -d "{\"phone\":\"$PHONE\"}" | json '["dev_code"]')
TOKEN=$(curl -sf -XPOST "$A/api/v1/auth/login" -d "{\"phone\":\"$PHONE\",\"code\":\"$CODE\"}" | json '["token"]')
DECL='{"person":{"name":"张小三","id_type":"resident_id","id_number":"11010519491231002X","phone":"13912345678",
  "nationality":"CHN","region":"370102","address":"历下区某路1号","relation":"self"},
  "health":{"temperature":36.6,"symptoms":[],"fever_clinic_14d":false},"travel_14d":[],"contact_14d":"none","commitment":true}'
# The screen token lives 5 minutes; ask for a fresh one right before each round.
PERSON=$(curl -sf -XPOST "$A/api/v1/declarations" -H "Authorization: Bearer $TOKEN" -d "$DECL" | json '["person_id"]')
export ANKANG_VERIFIER_TOKEN=$(curl -sf -XPOST "$A/api/v1/auth/staff" -d '{"username":"verifier","password":"ankang-dev"}' | json '["token"]')

rps() { awk '/^Requests\/sec:/ {print $2}'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
RES_A=(); RES_B=()
for r in $(seq "$ROUNDS"); do
  export ANKANG_QR=$(curl -sf "$A/api/v1/persons/$PERSON/code" -H "Authorization: Bearer $TOKEN" | json '["qr"]')
  # One check that the answer is what we think it is.
  curl -sf -XPOST "$A/api/v1/verify" -H "Authorization: Bearer $ANKANG_VERIFIER_TOKEN" -d "{\"qr\":\"$ANKANG_QR\"}" | grep -q '"status":"current"'
  OUT_A=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s bench/verify.lua "$A/api/v1/verify")
  echo "$OUT_A" | grep -q "non-200 answers: 0" || { echo "verify: non-200 answers"; echo "$OUT_A"; exit 1; }
  OUT_B=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s bench/verify.lua "http://127.0.0.1:$PORT_B/api/v1/verify")
  RES_A+=("$(echo "$OUT_A" | rps)"); RES_B+=("$(echo "$OUT_B" | rps)")
  echo "round $r: ankang-server verify ${RES_A[-1]} req/s, bare Pistache ${RES_B[-1]} req/s"
done
MED_A=$(printf '%s\n' "${RES_A[@]}" | median)
MED_B=$(printf '%s\n' "${RES_B[@]}" | median)
RATIO=$(awk -v a="$MED_A" -v b="$MED_B" 'BEGIN {printf "%.0f", 100*a/b}')
CPU=$(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')

cat > bench/RESULTS.md <<MD
# POST /api/v1/verify vs Pistache's bare handler

Measured by \`bench/verify.sh\` on $(date -u +%Y-%m-%d) (UTC): wrk with $THREADS threads, $CONNS keep-alive
connections, $DURATION per run, $ROUNDS rounds alternating the two servers, medians. Both servers
run with $THREADS worker threads on loopback on the same machine as wrk.

Machine: $(nproc) CPUs ($CPU), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM.

| server | what each request does | req/s (median) | rounds |
|---|---|---|---|
| ankang-server | bearer session lookup, token parse (Base45, COSE), Ed25519 verify, person + declaration + check-ins + case status from SQLite, facts + rules, JSON answer | $MED_A | ${RES_A[*]} |
| bare Pistache (bench/bare_pistache.cc) | fixed 51-byte JSON | $MED_B | ${RES_B[*]} |

ankang-server's verify reaches $RATIO % of the bare handler's rate.

Command: \`bench/verify.sh $BUILD\` (wrk -t$THREADS -c$CONNS -d$DURATION -s bench/verify.lua).
MD
cat bench/RESULTS.md
