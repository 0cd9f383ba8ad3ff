#!/usr/bin/env bash
# Benchmark of POST /api/v1/verify (a real token, a real verifier session,
# signature check + current colour from storage and the rules) against
# Pistache's bare handler answering a fixed JSON, in the same run on the same
# machine: wrk, 64 keep-alive connections, 10 s, 3 rounds, medians.
# With BASE=<other build dir> a second ankang-server (e.g. the previous
# commit's) runs in the same rounds, so before and after see the same load.
# Writes bench/RESULTS-verify.md (OUT=... to change).
# Usage: [BASE=/path/to/old/build] bench/verify.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-${ANKANG_BUILD_DIR:-build}}
BASE=${BASE:-}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
OUT=${OUT:-bench/RESULTS-verify.md}

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
cmake --build "$BUILD" --target ankang-server floor-pistache -j2 >/dev/null
BARE="$BUILD/bench/floor-pistache"
DATA=$(mktemp -d /tmp/ankang-bench-XXXXXX)
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
PIDS=()
trap 'kill ${PIDS[*]} 2>/dev/null || true; rm -rf "$DATA"' EXIT

wait_up() { for _ in $(seq 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; return 1; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# Starts an ankang-server from build dir $1 under name $2; a resident declares,
# a verifier logs in. Sets URL_<name>, TOKEN_<name>, PERSON_<name>, VTOKEN_<name>.
start_ankang() {
  local bin="$1/server/ankang-server" name=$2 port
  port=$(free_port)
  mkdir -p "$DATA/$name"
  "$bin" --dev --quiet --port "$port" --threads "$THREADS" --data "$DATA/$name" >"$DATA/$name.log" 2>&1 &
  PIDS+=($!)
  local url="http://127.0.0.1:$port"
  wait_up "$url/healthz"
  local phone=13912345678 code token person decl
  code=$(curl -sf -XPOST "$url/api/v1/auth/otp" -d "{\"phone\":\"$phone\"}" | json '["dev_code"]')
  token=$(curl -sf -XPOST "$url/api/v1/auth/login" -d "{\"phone\":\"$phone\",\"code\":\"$code\"}" | json '["token"]')
  decl='{"person":{"name":"张小三","id_type":"resident_id","id_number":"11010519491231002X","phone":"13912345678",
    "nationality":"CHN","region":"370102","address":"历下区某路1号","relation":"self"},
    "health":{"temperature":36.6,"symptoms":[],"fever_clinic_14d":false},"travel_14d":[],"contact_14d":"none","commitment":true}'
  person=$(curl -sf -XPOST "$url/api/v1/declarations" -H "Authorization: Bearer $token" -d "$decl" | json '["person_id"]')
  printf -v "URL_$name" '%s' "$url"
  printf -v "TOKEN_$name" '%s' "$token"
  printf -v "PERSON_$name" '%s' "$person"
  printf -v "VTOKEN_$name" '%s' "$(curl -sf -XPOST "$url/api/v1/auth/staff" \
    -d '{"username":"verifier","password":"ankang-dev"}' | json '["token"]')"
}

# One wrk run of verify against server $1; prints req/s.
run_verify() {
  local name=$1 url token person vtoken out
  url=$(eval echo "\$URL_$name"); token=$(eval echo "\$TOKEN_$name")
  person=$(eval echo "\$PERSON_$name"); vtoken=$(eval echo "\$VTOKEN_$name")
  # The screen token lives 5 minutes: a fresh one for each run.
  export FLOORS_QR=$(curl -sf "$url/api/v1/persons/$person/code" -H "Authorization: Bearer $token" | json '["qr"]')
  export FLOORS_VERIFIER_TOKEN=$vtoken FLOORS_MODE=verify
  # One check that the answer is what we think it is.
  curl -sf -XPOST "$url/api/v1/verify" -H "Authorization: Bearer $vtoken" -d "{\"qr\":\"$FLOORS_QR\"}" | grep -q '"status":"current"'
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s bench/floors.lua "$url/api/v1/verify")
  echo "$out" | grep -q "non-200 answers: 0" || { echo "verify ($name): non-200 answers" >&2; echo "$out" >&2; exit 1; }
  echo "$out" | awk '/^Requests\/sec:/ {print $2}'
}

start_ankang "$BUILD" new
[ -n "$BASE" ] && start_ankang "$BASE" base
PORT_B=$(free_port)
"$BARE" bare "$PORT_B" "$THREADS" >"$DATA/bare.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -sf -XPOST "http://127.0.0.1:$PORT_B/" >/dev/null && break; sleep 0.1; done
export FLOORS_QR=x FLOORS_VERIFIER_TOKEN=x FLOORS_MODE=verify

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
RES_A=(); RES_B=(); RES_C=()
for r in $(seq "$ROUNDS"); do
  RES_A+=("$(run_verify new)")
  [ -n "$BASE" ] && RES_C+=("$(run_verify base)")
  OUT_B=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s bench/floors.lua "http://127.0.0.1:$PORT_B/api/v1/verify")
  RES_B+=("$(echo "$OUT_B" | awk '/^Requests\/sec:/ {print $2}')")
  echo "round $r: ankang-server verify ${RES_A[-1]} req/s${BASE:+, base ${RES_C[-1]} req/s}, bare Pistache ${RES_B[-1]} req/s"
done
MED_A=$(printf '%s\n' "${RES_A[@]}" | median)
MED_B=$(printf '%s\n' "${RES_B[@]}" | median)
RATIO=$(awk -v a="$MED_A" -v b="$MED_B" 'BEGIN {printf "%.1f", 100*a/b}')
CPU=$(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')
BASE_ROW=""
if [ -n "$BASE" ]; then
  MED_C=$(printf '%s\n' "${RES_C[@]}" | median)
  RATIO_C=$(awk -v a="$MED_C" -v b="$MED_B" 'BEGIN {printf "%.1f", 100*a/b}')
  BASE_ROW="| ankang-server from \`$BASE\` | the same request | $MED_C | ${RES_C[*]} |"
fi

cat > "$OUT" <<MD
# POST /api/v1/verify vs Pistache's bare handler (generated by bench/verify.sh)

Measured on $(date -u +%Y-%m-%d) (UTC): wrk with $THREADS threads, $CONNS keep-alive connections,
$DURATION per run, $ROUNDS rounds alternating the servers, medians. Every server runs with
$THREADS worker threads on loopback on the same machine as wrk. Load average before the run:
$LOAD.

Machine: $(nproc) CPUs ($CPU), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM.

| server | what each request does | req/s (median) | rounds |
|---|---|---|---|
| ankang-server from \`$BUILD\` | bearer session lookup, token parse (Base45, COSE), Ed25519 verify, person + declarations + check-ins + case status from SQLite, facts + rules, JSON answer | $MED_A | ${RES_A[*]} |
$BASE_ROW
| bare Pistache (bench/floor_pistache.cc bare) | fixed 51-byte JSON | $MED_B | ${RES_B[*]} |

ankang-server's verify reaches $RATIO % of the bare handler's rate${BASE:+ (the base build: $RATIO_C %)}.

Command: \`ROUNDS=$ROUNDS ${BASE:+BASE=$BASE }bench/verify.sh $BUILD\` (wrk -t$THREADS -c$CONNS -d$DURATION -s bench/floors.lua).
MD
cat "$OUT"
