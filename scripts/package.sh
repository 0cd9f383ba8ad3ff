#!/usr/bin/env bash
# Builds the Debian package build/ankang_<version>_<arch>.deb: everything first
# (the package holds web/dist), then CPack. Assumes scripts/deps.sh has run.
# Install it with `apt-get install ./build/ankang_*.deb` (README, "Install the package").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
(cd build && cpack -G DEB >/dev/null)
ls build/ankang_*.deb
