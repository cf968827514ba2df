#!/usr/bin/env bash
# Builds the web app (ui/) into OUT_DIR: installs the npm packages pinned in ui/package-lock.json when
# they changed, type-checks, and bundles with Vite. Called by the build (src/server/CMakeLists.txt).
#   scripts/build_ui.sh OUT_DIR
set -euo pipefail
out="$1"
cd "$(dirname "$0")/../ui"
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
AURORA_UI_OUT="$out" npm run --silent build
