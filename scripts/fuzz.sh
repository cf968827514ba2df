#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang 14 and runs each for a while on its seed corpus.
# A crash, sanitizer report or timeout fails the run; new interesting inputs are kept in the corpus dir
# of the build (not in git), the committed seeds stay in tests/fuzz/corpus/<target>/.
#   scripts/fuzz.sh [--seconds N]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=60
if [[ "${1:-}" == "--seconds" ]]; then seconds="$2"; fi
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzz_all  # only the targets: the unit tests run in the other builds
for target in fuzz_types fuzz_block fuzz_wal_chunk fuzz_manifest fuzz_part fuzz_sql fuzz_jsoneachrow fuzz_csv \
    fuzz_tsv fuzz_ingest fuzz_http fuzz_nl; do
  work="build/fuzz/corpus/$target"
  mkdir -p "$work"
  seeds="tests/fuzz/corpus/$target"
  echo "fuzz: $target for ${seconds}s"
  if ! "build/fuzz/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
      -print_final_stats=1 -artifact_prefix="build/fuzz/$target-" "$work" "$seeds" > "build/fuzz/$target.log" 2>&1; then
    tail -50 "build/fuzz/$target.log"
    echo "fuzz: $target FAILED (log: build/fuzz/$target.log)"
    exit 1
  fi
  # UndefinedBehaviorSanitizer reports without stopping: a report fails the run all the same.
  if grep -q "runtime error:" "build/fuzz/$target.log"; then
    grep -B2 -A10 "runtime error:" "build/fuzz/$target.log" | head -40
    echo "fuzz: $target FAILED: undefined behaviour (log: build/fuzz/$target.log)"
    exit 1
  fi
  grep -E "stat::number_of_executed_units" "build/fuzz/$target.log" | sed "s/^/fuzz: $target /"
done
echo "fuzz: all targets passed"
