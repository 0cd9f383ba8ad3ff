#!/usr/bin/env bash
# Installs what Ankang needs on Debian 12 (as root): Debian packages first,
# then the npm packages of package.json. Only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(build-essential cmake pkg-config nodejs npm emscripten libpistache-dev libqrencode-dev
      nlohmann-json3-dev catch2 libsqlite3-dev libsodium-dev liboath-dev libpq-dev postgresql sqlite3 curl jq
      zbar-tools chromium fonts-droid-fallback fonts-liberation wrk nginx-light
      adduser systemd  # the Debian package and its test (systemd-analyze)
      clang libclang-rt-14-dev)  # the last two: libFuzzer, ASan, UBSan (scripts/fuzz.sh)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from outside Debian's packages (as on these machines); keep them.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs/}"); missing=("${missing[@]/npm/}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -d node_modules ] || [ package.json -nt node_modules/.package-lock.json ] ||
   { [ -f package-lock.json ] && [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  echo "deps: npm install"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi
