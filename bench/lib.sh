# Shared by the side-by-side benchmark runners (sourced, not run).

# ensure_events ROWS OUT_DIR: the NDJSON of ROWS events of the standard workload (Aurora's generator,
# seed 42) in OUT_DIR, generated once; prints its path. Also installs the peers' npm packages.
ensure_events() {
  local rows="$1" out="$2"
  local data="$out/events-$rows.ndjson"
  if [[ ! -s "$data" ]]; then
    echo "bench: generating $rows events into $data" >&2
    build/release/src/app/aurora gen --rows "$rows" --seed 42 > "$data.tmp"
    mv "$data.tmp" "$data"
  fi
  (cd bench/peers && npm ci --silent --no-audit --no-fund >/dev/null)
  echo "$data"
}
