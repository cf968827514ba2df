#!/usr/bin/env bash
# Loads an NDJSON file of the standard e-commerce workload into a private
# ClickHouse server and prints one JSON line of results on stdout:
#   {"system":"clickhouse","version":...,"rows":...,"load_seconds":...,
#    "bytes_on_disk":...,"scan_price_seconds":...,"scan_user_id_seconds":...}
# Progress goes to stderr.
#
# Usage: clickhouse.sh NDJSON_FILE
# Environment:
#   CLICKHOUSE_SERVER, CLICKHOUSE_CLIENT  binaries (default: from PATH, then
#                                         the Debian package locations)
#   CH_LOW_CARDINALITY=0                  use String instead of LowCardinality(String)
#   TMPDIR                                where the server's data directory is made
set -euo pipefail

CH_PROG=clickhouse.sh
# shellcheck source=clickhouse_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/clickhouse_lib.sh"

[[ $# -eq 1 ]] || die "usage: clickhouse.sh NDJSON_FILE"
INPUT=$1
[[ -f $INPUT && -r $INPUT ]] || die "cannot read input file '$INPUT'"

ch_init
ch_start
ch_create_events
ch_load_events "$INPUT"

ROWS=$(ch --query "SELECT count() FROM events")
BYTES=$(ch --query "SELECT sum(bytes_on_disk) FROM system.parts
                    WHERE active AND database = currentDatabase() AND table = 'events'")
log "loaded $ROWS rows in $LOAD_SECONDS s, $BYTES bytes on disk"

# Best of 5, as timed by clickhouse-client --time (elapsed time of each query,
# measured by the client, printed on stderr; client start-up is not included).
scan() { # column
    local q="SELECT sum($1) FROM events;" queries="" times
    queries=$(printf '%s\n' "$q" "$q" "$q" "$q" "$q")
    ch --time --multiquery --query "$queries" >/dev/null 2>"$WORK/time.txt" \
        || die "scan of $1 failed: $(cat "$WORK/time.txt")"
    times=$(grep -E '^[0-9]+(\.[0-9]+)?$' "$WORK/time.txt" || true)
    [[ $(wc -l <<<"$times") -eq 5 ]] || die "unexpected --time output for $1: $(cat "$WORK/time.txt")"
    sort -g <<<"$times" | head -n 1
}
SCAN_PRICE=$(scan price)
SCAN_USER_ID=$(scan user_id)
log "scan price $SCAN_PRICE s, scan user_id $SCAN_USER_ID s (best of 5)"

printf '{"system":"clickhouse","version":"%s","rows":%s,"load_seconds":%s,"bytes_on_disk":%s,"scan_price_seconds":%s,"scan_user_id_seconds":%s}\n' \
    "$VERSION" "$ROWS" "$LOAD_SECONDS" "$BYTES" "$SCAN_PRICE" "$SCAN_USER_ID"
