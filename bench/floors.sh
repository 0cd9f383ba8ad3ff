#!/usr/bin/env bash
# Issue 10's floor benchmark: ankang-server against bare Pistache programs that
# do only the work per request no implementation can skip (bench/floor_pistache.cc),
# alternating in the same rounds on the same machine, medians and ratios.
#
#   GET /api/v1/persons/{id}/code   round robin over RESIDENTS residents, each signed in
#                                   and declared beforehand
#        floor "sign"     one Ed25519 signature
#        floor "sign-qr"  one Ed25519 signature + one libqrencode matrix of its
#                         Base45 text (reference)
#        (the floors' signed text is as long as ankang-server's screen token, ~220-235
#        characters, measured at setup)
#   POST /api/v1/verify             a valid screen token (fresh for every run), a
#                                   verifier's session
#        floor "verify"   one Ed25519 verify
#
# wrk -t1 -c64 (WRK_THREADS, CONNS), DURATION per run, ROUNDS rounds; every server has
# THREADS Pistache worker threads. The floors get the same requests through the same
# wrk script (bench/floors.lua) and ignore them. On a shared, noisy machine only
# ratios within one run mean much: the table gives the ratio of the medians and the
# median of the per-round ratios (each round's Ankang run next to its floor run).
#
# Usage: [ROUNDS=3] [DURATION=10s] [NO_BUILD=1] [OUT=file.md] [LABEL=text] bench/floors.sh [BUILD_DIR]
# BUILD_DIR (default $ANKANG_BUILD_DIR or build/) must hold a configured CMake build
# with ANKANG_BENCH=ON; the script builds ankang-server and floor-pistache in it.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-${ANKANG_BUILD_DIR:-build}}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
WRK_THREADS=${WRK_THREADS:-1}
THREADS=${THREADS:-2}
RESIDENTS=${RESIDENTS:-200}
OUT=${OUT:-}
# What the build is, for the report (default: this tree's commit, and whether server/ or
# shared/ differ from it, which the build may or may not have compiled).
LABEL=${LABEL:-$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- server shared 2>/dev/null || echo ' + uncommitted changes in server/ or shared/')}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
if [ -z "${NO_BUILD:-}" ]; then
  # Configure again first: a build folder configured before floor-pistache existed
  # does not know the target (make answers "No rule to make target").
  cmake "$BUILD" >/dev/null
  cmake --build "$BUILD" --target ankang-server floor-pistache -j2 >/dev/null
fi
SERVER="$BUILD/server/ankang-server"
FLOOR="$BUILD/bench/floor-pistache"
DATA=$(mktemp -d /tmp/ankang-floors-XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# ankang-server, --dev (staff account "verifier", one-time codes in the answer).
PORT_A=$(free_port)
URL_A="http://127.0.0.1:$PORT_A"
mkdir -p "$DATA/ankang"
"$SERVER" --dev --quiet --port "$PORT_A" --threads "$THREADS" --data "$DATA/ankang" \
  --otp-per-ip-per-hour 100000 >"$DATA/ankang.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 200); do curl -sf "$URL_A/healthz" >/dev/null && break; sleep 0.1; done
curl -sf "$URL_A/healthz" >/dev/null || { echo "ankang-server did not start" >&2; cat "$DATA/ankang.log" >&2; exit 1; }
echo "setting up $RESIDENTS residents (sign-in, declaration, first code) and a verifier..."
TOKEN_INFO=$(python3 bench/floors_setup.py "$URL_A" "$RESIDENTS" "$DATA/residents" "$DATA/verifier")
echo "$TOKEN_INFO"
TOKEN_CHARS=$(echo "$TOKEN_INFO" | awk '{print $4}')
export FLOORS_RESIDENTS="$DATA/residents"
export FLOORS_VERIFIER_TOKEN
FLOORS_VERIFIER_TOKEN=$(cat "$DATA/verifier")
read -r VPERSON VTOKEN < "$DATA/residents"

declare -A URL
URL[ankang]=$URL_A
for f in sign sign-qr verify; do
  port=$(free_port)
  "$FLOOR" "$f" "$port" "$THREADS" "$TOKEN_CHARS" >"$DATA/floor-$f.log" 2>&1 &
  PIDS+=($!)
  URL[$f]="http://127.0.0.1:$port"
  for _ in $(seq 100); do curl -sf "${URL[$f]}/" >/dev/null && break; sleep 0.1; done
done
# Each floor answers what it should.
curl -sf "${URL[sign]}/" | grep -q '"qr":"' || { echo "floor sign: bad answer" >&2; exit 1; }
curl -sf "${URL[sign-qr]}/" | grep -q '"qr_matrix":"' || { echo "floor sign-qr: bad answer" >&2; exit 1; }
curl -sf "${URL[verify]}/" | grep -q '"valid":true' || { echo "floor verify: bad answer" >&2; exit 1; }
FLOOR_INFO=$(curl -sf "${URL[sign-qr]}/" |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print("the floors\x27 signed text: %d characters, QR version %d" % (len(d["qr"]), d["qr_version"]))')
echo "$FLOOR_INFO"

# One wrk run: $1 server (ankang|sign|sign-qr|verify), $2 mode (code|verify); prints req/s.
run() {
  local out
  out=$(FLOORS_MODE=$2 wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" -s bench/floors.lua "${URL[$1]}/")
  echo "$out" | grep -q "non-200 answers: 0" || { echo "$1 ($2): non-200 answers" >&2; echo "$out" >&2; exit 1; }
  echo "$out" | awk '/^Requests\/sec:/ {print $2}'
}

# A fresh screen token for the verify runs (it lives 5 minutes), checked once.
fresh_qr() {
  FLOORS_QR=$(curl -sf "$URL_A/api/v1/persons/$VPERSON/code" -H "Authorization: Bearer $VTOKEN" | json '["qr"]')
  export FLOORS_QR
  curl -sf -XPOST "$URL_A/api/v1/verify" -H "Authorization: Bearer $FLOORS_VERIFIER_TOKEN" \
    -d "{\"qr\":\"$FLOORS_QR\"}" | grep -q '"valid":true' || { echo "verify: token not valid" >&2; exit 1; }
}

declare -A RES
for r in $(seq "$ROUNDS"); do
  RES[code]+=" $(run ankang code)"
  RES[sign]+=" $(run sign code)"
  RES[signqr]+=" $(run sign-qr code)"
  fresh_qr
  RES[verify]+=" $(run ankang verify)"
  RES[fverify]+=" $(run verify verify)"
  last() { echo "${RES[$1]}" | awk '{print $NF}'; }
  echo "round $r: code $(last code) | sign $(last sign) | sign+QR $(last signqr) || verify $(last verify) | floor $(last fverify) req/s"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
med() { echo "${RES[$1]}" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
# Median of the per-round ratios $1/$2.
round_ratio() {
  paste <(echo "${RES[$1]}" | tr ' ' '\n' | grep .) <(echo "${RES[$2]}" | tr ' ' '\n' | grep .) |
    awk '{printf "%.4f\n", $1/$2}' | median | awk '{printf "%.2f", $1}'
}
int() { printf '%.0f' "$1"; }
rounds() { echo "${RES[$1]}" | tr ' ' '\n' | grep . | awk '{printf "%s%.0f", (NR>1?" ":""), $1}'; }

CPU=$(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')
REPORT=$(cat <<MD
Floors (bench/floors.sh), $(date -u '+%Y-%m-%d %H:%M') UTC, build \`$BUILD\` ($LABEL).
Machine: $(nproc) CPUs ($CPU), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM;
load average before $LOAD_BEFORE, after $LOAD_AFTER.
wrk -t$WRK_THREADS -c$CONNS -d$DURATION, $ROUNDS rounds alternating the servers, $THREADS worker threads each.
${TOKEN_INFO}; ${FLOOR_INFO}.

| endpoint | ankang-server req/s (median; rounds) | floor | floor req/s (median; rounds) | ratio of medians | median of per-round ratios |
|---|---|---|---|---:|---:|
| GET /persons/{id}/code ($RESIDENTS residents, round robin) | $(int "$(med code)"); $(rounds code) | one Ed25519 signature | $(int "$(med sign)"); $(rounds sign) | $(ratio "$(med code)" "$(med sign)") | $(round_ratio code sign) |
| (same) | | signature + libqrencode matrix (reference) | $(int "$(med signqr)"); $(rounds signqr) | $(ratio "$(med code)" "$(med signqr)") | $(round_ratio code signqr) |
| POST /verify (valid token) | $(int "$(med verify)"); $(rounds verify) | one Ed25519 verify | $(int "$(med fverify)"); $(rounds fverify) | $(ratio "$(med verify)" "$(med fverify)") | $(round_ratio verify fverify) |

Command: \`ROUNDS=$ROUNDS DURATION=$DURATION bench/floors.sh $BUILD\`
MD
)
echo
echo "$REPORT"
[ -n "$OUT" ] && echo "$REPORT" > "$OUT"
exit 0
