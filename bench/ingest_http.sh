#!/usr/bin/env bash
# HTTP events ingestion beside ClickHouse 18.16, in one run, on the same events (bench/http_ingest.cpp):
#   1. starts `aurora server` on free ports with a fresh data directory, and a private ClickHouse 18.16
#      (bench/peers/clickhouse_lib.sh) with tables of the schema Aurora infers from the workload;
#   2. throughput, 3 times per system, alternating, on a fresh table each time: EVENTS events of the
#      standard workload as ~4 MB NDJSON bodies from 4 keep-alive clients; Aurora:
#      POST /v1/events?table=events&wait=true (answers once the WAL record is durable and the rows are
#      visible), ClickHouse: INSERT INTO events FORMAT JSONEachRow over HTTP, with LowCardinality(String)
#      and with String columns. A 1,000-event batch first creates the table (Aurora) / warms the
#      connection (both), not timed. The servers' CPU seconds per run are noted too;
#   3. freshness, once per system (ClickHouse with String): 100k events/s for 10 s in batches every 10 ms,
#      from 4 senders, while a reader polls max(seq) per sender; time from a batch's scheduled send to
#      the SELECT that first sees it;
#   4. a Markdown table in bench/out/ingest-http-EVENTS.md (medians of the 3 throughput runs).
#   bench/ingest_http.sh [EVENTS]        (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
events="${1:-1000000}"
out=bench/out
mkdir -p "$out"
tool=build/release/bench/http_ingest
aurora=build/release/src/app/aurora
[[ -x $tool && -x $aurora ]] || { echo "ingest_http.sh: build first (make bench-ingest)" >&2; exit 1; }

# shellcheck disable=SC2034  # read by clickhouse_lib.sh
CH_PROG=ingest_http.sh
# shellcheck source=bench/peers/clickhouse_lib.sh
source bench/peers/clickhouse_lib.sh
ch_init

AURORA_PID=
aurora_stop() {
  if [[ -n $AURORA_PID ]] && kill -0 "$AURORA_PID" 2>/dev/null; then
    kill -TERM "$AURORA_PID" 2>/dev/null || true
    wait "$AURORA_PID" 2>/dev/null || true
  fi
  AURORA_PID=
}
on_exit() {
  local rc=$?
  aurora_stop
  (exit "$rc") # ch_cleanup exits with the status it finds
  ch_cleanup
}
trap on_exit EXIT

password=bench-$RANDOM$RANDOM
auth="Authorization: Basic $(printf 'admin:%s' "$password" | base64 -w0)"
: >"$WORK/aurora.log"
AURORA_ADMIN_PASSWORD=$password "$aurora" server --data "$WORK/aurora" --http-port 0 --clickhouse-port 0 \
  >"$WORK/aurora.log" 2>&1 &
AURORA_PID=$!
API_PORT=
for ((i = 0; i < 200; i++)); do
  API_PORT=$(sed -nE 's|.*API and web app +https?://[^:]+:([0-9]+)/.*|\1|p' "$WORK/aurora.log")
  [[ -n $API_PORT ]] && break
  kill -0 "$AURORA_PID" 2>/dev/null || die "aurora server exited: $(cat "$WORK/aurora.log")"
  sleep 0.1
done
[[ -n $API_PORT ]] || die "aurora server did not start: $(cat "$WORK/aurora.log")"
log "aurora server on 127.0.0.1:$API_PORT, data in $WORK/aurora"
aurora_api() { curl -sS -H "$auth" "$@"; }

ch_start

# The schema Aurora infers from the workload's first batch (docs/api.md), in ClickHouse 18.16's types:
# no DateTime64 there (DateTime, milliseconds dropped by date_time_input_format=best_effort).
# LowCardinality(String) is experimental in 18.16 and makes its inserts much slower, so ClickHouse runs
# both with it (the same schema as Aurora's) and with String; the table reports both.
ch_table() { # name string_type [extra column]
  local lc=$2
  ch --allow_experimental_low_cardinality_type=1 --query "DROP TABLE IF EXISTS $1"
  ch --allow_experimental_low_cardinality_type=1 --query "
CREATE TABLE $1 (${3:+$3,}
    timestamp   DateTime('UTC'),
    product_id  Int64,
    price       Float64,
    quantity    Int64,
    user_id     Int64,
    action_type $lc,
    session_id  String,
    region      $lc,
    user_type   $lc,
    category    $lc,
    brand       $lc,
    device_type $lc
) ENGINE = MergeTree PARTITION BY toYYYYMM(timestamp) ORDER BY timestamp" || die "CREATE TABLE $1 failed"
}
ch_insert() { echo "/?query=INSERT%20INTO%20$1%20FORMAT%20JSONEachRow&date_time_input_format=best_effort"; }

log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# CPU time (user + system) of a process so far, in seconds: a server's work per run, whatever else runs.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
# throughput SYSTEM RUN PID ARGS...: one run of http_ingest throughput, its JSON line with the server's
# CPU seconds added, appended to the runs file.
throughput() {
  local system=$1 run=$2 pid=$3 c0 c1 r
  shift 3
  log "throughput run $run: $system"
  c0=$(cpu_seconds "$pid")
  r=$("$tool" throughput --events "$events" --warmup-events 1000 "$@")
  c1=$(cpu_seconds "$pid")
  r="${r%\}},\"server_cpu_s\":$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')}"
  echo "{\"system\":\"$system\",\"run\":$run,\"result\":$r}" >>"$out/ingest-http-runs.jsonl"
  log "$r"
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$out/ingest-http-runs.jsonl"
for run in 1 2 3; do
  aurora_api -X DELETE "http://127.0.0.1:$API_PORT/v1/tables/events" >/dev/null
  throughput aurora "$run" "$AURORA_PID" --port "$API_PORT" --target '/v1/events?table=events&wait=true' \
    --header "$auth" --expect-rows
  ch_table events 'LowCardinality(String)'
  throughput clickhouse "$run" "$SERVER_PID" --port "$HTTP_PORT" --target "$(ch_insert events)"
  ch_table events String
  throughput clickhouse-string "$run" "$SERVER_PID" --port "$HTTP_PORT" --target "$(ch_insert events)"
done
aurora_api "http://127.0.0.1:$API_PORT/v1/tables/events" >"$out/ingest-http-aurora-schema.json"
rows_a=$(aurora_api "http://127.0.0.1:$API_PORT/v1/sql" -d 'SELECT count() FROM events FORMAT TabSeparated')
rows_c=$(ch --query 'SELECT count() FROM events')
log "rows after the last run: aurora $rows_a, clickhouse $rows_c (each $events + 1000 warm-up)"

# The throughput tables' background work (Aurora's flush of its last 1M buffered rows, ClickHouse's
# merges) would otherwise run during the freshness runs: drop them and let the servers settle.
aurora_api -X DELETE "http://127.0.0.1:$API_PORT/v1/tables/events" >/dev/null
ch --query 'DROP TABLE events'
sleep 5
log "freshness: aurora"
r=$("$tool" freshness --port "$API_PORT" --target '/v1/events?table=fresh&wait=true' --header "$auth" \
  --query-port "$API_PORT" --query-target /v1/sql --query-table fresh) || true
echo "{\"system\":\"aurora\",\"freshness\":$r}" >>"$out/ingest-http-runs.jsonl"
log "$r"
ch_table fresh String 'seq UInt64'
log "freshness: clickhouse"
r=$("$tool" freshness --port "$HTTP_PORT" --target "$(ch_insert fresh)" --query-port "$HTTP_PORT" \
  --query-target / --query-table fresh) || true
echo "{\"system\":\"clickhouse\",\"freshness\":$r}" >>"$out/ingest-http-runs.jsonl"
log "$r"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$out" "$events" "$VERSION" "$load_before" "$load_after" <<'PY' | tee "$out/ingest-http-$events.md"
import json, os, platform, statistics, sys
out, events, version, load_before, load_after = sys.argv[1:]
runs = [json.loads(l) for l in open(f"{out}/ingest-http-runs.jsonl")]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal"))) / 2**20
print(f"Machine: {os.cpu_count()} cores, {cpu}, {mem:.0f} GiB, Linux {platform.release()}; load average "
      f"{load_before} before, {load_after} after. Command: `bench/ingest_http.sh {events}`; {int(events):,} "
      "events, 4 clients, ~4 MB NDJSON bodies; medians of 3 runs.\n")
tp = lambda system: [r["result"] for r in runs if r["system"] == system and "result" in r]
fr = lambda system: next((r["freshness"] for r in runs if r["system"] == system and "freshness" in r), {})
med = lambda rs, k: statistics.median(r[k] for r in rs)
a, c, cs = tp("aurora"), tp("clickhouse"), tp("clickhouse-string")
fa, fc = fr("aurora"), fr("clickhouse")
print(f"| | Aurora (wait=true: WAL fsync'ed, visible) | ClickHouse {version}, LowCardinality(String) "
      f"| ClickHouse {version}, String | Aurora / faster ClickHouse |")
print("|---|---|---|---|---|")
ea, ec, ecs = med(a, "events_per_s"), med(c, "events_per_s"), med(cs, "events_per_s")
print(f"| events/s, median of 3 | {ea:,.0f} | {ec:,.0f} | {ecs:,.0f} | {ea / max(ec, ecs):.2f}x |")
each = lambda rs: ", ".join(format(r["events_per_s"], ",.0f") for r in rs)
print(f"| events/s, the 3 runs | {each(a)} | {each(c)} | {each(cs)} | |")
ca, cc, ccs = med(a, "server_cpu_s"), med(c, "server_cpu_s"), med(cs, "server_cpu_s")
print(f"| server CPU seconds per run | {ca:.2f} | {cc:.2f} | {ccs:.2f} | {ca / min(cc, ccs):.2f}x |")
for k, name in (("latency_ms_p50", "request latency p50, ms"), ("latency_ms_p99", "request latency p99, ms")):
    print(f"| {name} | {med(a, k):.0f} | {med(c, k):.0f} | {med(cs, k):.0f} | |")
get = lambda f, k: format(f.get(k, float("nan")), ".1f")
print(f"| freshness run: achieved events/s of {fa.get('target_events_per_s', 0):,} | "
      f"{fa.get('events_per_s', 0):,.0f} | | {fc.get('events_per_s', 0):,.0f} | |")
for k in ("p50", "p95", "p99", "max"):
    print(f"| send to visible {k}, ms | {get(fa, 'freshness_ms_' + k)} | | {get(fc, 'freshness_ms_' + k)} | |")
for k, name in (("request_ms_p50", "request p50"), ("request_ms_p99", "request p99"),
                ("send_lag_ms_p99", "sender lag p99"),
                ("send_busy_ms_p99", "sender lag p99, waiting for its previous answer"), ("poll_ms_p50", "poll (SELECT) p50"),
                ("poll_ms_p99", "poll (SELECT) p99")):
    print(f"| freshness run: {name}, ms | {get(fa, k)} | | {get(fc, k)} | |")
print(f"| freshness run: batches not seen / failed requests | {fa.get('missing', '?')} / "
      f"{fa.get('failures', '?')} | | {fc.get('missing', '?')} / {fc.get('failures', '?')} | |")
PY
