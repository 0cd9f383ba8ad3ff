#!/usr/bin/env bash
# README command 1: install what is missing, build native + wasm, start a
# local trial of ankang-server (--dev, SQLite in ./var) on http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
PASS=${ANKANG_DEV_PASSWORD:-ankang-dev}
cat <<MSG

  Ankang local trial (--dev: one-time codes are shown on the page, the clock can be moved).
  Resident page:  http://127.0.0.1:8080/
  Staff pages:    http://127.0.0.1:8080/staff  /review  /venue  /admin
  Staff accounts: admin, verifier, issuer, venue — password: $PASS
  Data folder:    $(pwd)/var (SQLite and signing keys)

MSG
exec build/server/ankang-server --dev --dev-password "$PASS" --data var --web web/dist "$@"
