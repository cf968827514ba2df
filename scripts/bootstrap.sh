#!/usr/bin/env bash
# Installs the Debian 12 packages Aurora needs to build, test and benchmark.
# Idempotent: packages already present are skipped; apt is only touched when something is missing.
#   scripts/bootstrap.sh            build + test dependencies
#   scripts/bootstrap.sh --bench    also the side-by-side peers (ClickHouse server, Node.js for DuckDB)
set -euo pipefail

packages=(
  cmake ninja-build g++ ccache pkg-config make
  libboost-dev libssl-dev zlib1g-dev
  libsimdjson-dev nlohmann-json3-dev libzstd-dev liblz4-dev libxxhash-dev
  libabsl-dev libre2-dev libfmt-dev libspdlog-dev libcli11-dev libtomlplusplus-dev libsqlite3-dev
  libroaring-dev librdkafka-dev
  libgtest-dev libgmock-dev libbenchmark-dev clang-14 libfuzzer-14-dev libclang-rt-14-dev
  python3 curl openssl
  chromium
)
# Node.js runs the ClickHouse JS client in the integration tests (and the web app's build). It may come
# from another packaging (with npm built in); only ask Debian when it is absent.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(clickhouse-server clickhouse-client)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "bootstrap: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
