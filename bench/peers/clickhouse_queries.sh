#!/usr/bin/env bash
# Loads an NDJSON file of the standard e-commerce workload into a private
# ClickHouse server (same table as clickhouse.sh), runs the reference queries of
# the workload and prints one JSON line of results on stdout:
#   {"system":"clickhouse","version":...,"rows":...,
#    "queries":[{"q":1,"best_seconds":...,"all_seconds":[...]}, ...]}
# Each query runs once untimed (warm-up), then 5 times timed; the time of a run
# is the server's own `elapsed` from the statistics of FORMAT JSON over HTTP.
# Progress goes to stderr.
#
# Usage: clickhouse_queries.sh NDJSON_FILE
# Environment:
#   QUERIES_FILE                          the queries, one per line starting with
#                                         SELECT (default: the standard workload's
#                                         queries.sql, ../../../shared/workload/
#                                         from this directory)
#   CLICKHOUSE_SERVER, CLICKHOUSE_CLIENT  binaries (default: from PATH, then
#                                         the Debian package locations)
#   CH_LOW_CARDINALITY=0                  use String instead of LowCardinality(String)
#   TMPDIR                                where the server's data directory is made
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CH_PROG=clickhouse_queries.sh
# shellcheck source=clickhouse_lib.sh
source "$HERE/clickhouse_lib.sh"

RUNS=5

[[ $# -eq 1 ]] || die "usage: clickhouse_queries.sh NDJSON_FILE"
INPUT=$1
[[ -f $INPUT && -r $INPUT ]] || die "cannot read input file '$INPUT'"
QUERIES_FILE=${QUERIES_FILE:-$HERE/../../../shared/workload/queries.sql}
[[ -f $QUERIES_FILE && -r $QUERIES_FILE ]] || die "cannot read queries file '$QUERIES_FILE' (set QUERIES_FILE)"
command -v curl >/dev/null 2>&1 || die "curl not found (apt-get install curl)"

# The queries run as written in queries.sql: ClickHouse 18.16 runs all 12 of them.
QUERIES=()
while IFS= read -r line; do
    line=${line%%$'\r'}
    line=${line%;}
    QUERIES+=("$line")
done < <(grep -E '^SELECT' "$QUERIES_FILE")
[[ ${#QUERIES[@]} -gt 0 ]] || die "no query (line starting with SELECT) in '$QUERIES_FILE'"

ch_init
ch_start
ch_create_events
ch_load_events "$INPUT"

ROWS=$(ch --query "SELECT count() FROM events")
log "loaded $ROWS rows in $LOAD_SECONDS s"

# Runs one query over HTTP with FORMAT JSON; sets RUN_ELAPSED (seconds) and
# RUN_ROWS (result rows). `elapsed` is measured by the server from the start of
# the query's execution (after parsing and analysis) until the last row is written.
run_query() { # query
    local out="$WORK/result.json" code
    code=$(curl -sS -o "$out" -w '%{http_code}' --data-binary "$1 FORMAT JSON" \
        "http://127.0.0.1:$HTTP_PORT/") || die "HTTP request to the server failed for: $1"
    [[ $code == 200 ]] || die "query failed (HTTP $code): $1
$(head -c 2000 "$out")"
    RUN_ELAPSED=$(sed -n 's/^[[:space:]]*"elapsed":[[:space:]]*\([-+.0-9eE]*\),\{0,1\}[[:space:]]*$/\1/p' "$out" | tail -n 1)
    RUN_ROWS=$(sed -n 's/^[[:space:]]*"rows":[[:space:]]*\([0-9]*\),\{0,1\}[[:space:]]*$/\1/p' "$out" | tail -n 1)
    [[ -n $RUN_ELAPSED && -n $RUN_ROWS ]] || die "no statistics in the JSON result of: $1
$(tail -c 500 "$out")"
}

ENTRIES=()
for i in "${!QUERIES[@]}"; do
    q=${QUERIES[$i]}
    n=$((i + 1))
    run_query "$q" # warm-up, not timed
    times=()
    for ((r = 0; r < RUNS; r++)); do
        run_query "$q"
        times+=("$(awk -v t="$RUN_ELAPSED" 'BEGIN { printf "%.6f", t }')")
    done
    best=$(printf '%s\n' "${times[@]}" | sort -g | head -n 1)
    log "Q$n: best $best s of $RUNS (${times[*]}), $RUN_ROWS result rows"
    all=$(IFS=,; echo "${times[*]}")
    ENTRIES+=("{\"q\":$n,\"best_seconds\":$best,\"all_seconds\":[$all]}")
done

printf '{"system":"clickhouse","version":"%s","rows":%s,"queries":[%s]}\n' \
    "$VERSION" "$ROWS" "$(IFS=,; echo "${ENTRIES[*]}")"
