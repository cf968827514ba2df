#!/usr/bin/env bash
# Kafka sources: how fast a source consumes a topic, beside a bare librdkafka consumer (the ceiling), and
# the time from produce to visible in a SELECT at a steady rate (bench/kafka_ingest.cpp), in one run:
#   1. starts a Kafka-protocol broker (kafka_tool broker: librdkafka's mock cluster, 64 partitions per
#      topic) and `aurora server` on free ports with a fresh data directory;
#   2. produces EVENTS events of the standard workload to topic `events` (not timed);
#   3. 3 times, alternating: a bare consumer in a new group reads the topic (first message to last), and a
#      new source (CREATE SOURCE, new group, new table) consumes it, timed by polling count() every 10 ms
#      from the first rows to the last;
#   4. freshness: a source on topic `live`, then 50,000 events/s (FRESH_RATE) for 10 s; each event's time
#      from its scheduled send to the first SELECT max(seq) that sees it; then the same rate on topic `bare`
#      to a bare consumer, the floor the broker and client set;
#   5. a Markdown table in bench/out/kafka-EVENTS.md (medians of the 3 runs).
#   bench/kafka.sh [EVENTS]        (default 1000000; the mock broker keeps 5 MB per partition, so at most
#                                   about 1.2M events of the workload fit its 64 partitions)
set -euo pipefail
cd "$(dirname "$0")/.."
events="${1:-1000000}"
out=bench/out
mkdir -p "$out"
tool=build/release/bench/kafka_ingest
kafka_tool=build/release/tests/integration/kafka_tool
aurora=build/release/src/app/aurora
[[ -x $tool && -x $aurora && -x $kafka_tool ]] || { echo "kafka.sh: build first (make bench-kafka)" >&2; exit 1; }

log() { echo "kafka.sh: $*" >&2; }
die() { log "$*"; exit 1; }
WORK=$(mktemp -d /tmp/aurora-bench-kafka.XXXXXX)
AURORA_PID= BROKER_PID=
on_exit() {
  [[ -n $AURORA_PID ]] && kill -TERM "$AURORA_PID" 2>/dev/null && wait "$AURORA_PID" 2>/dev/null
  exec 7>&- || true
  [[ -n $BROKER_PID ]] && wait "$BROKER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap on_exit EXIT

mkfifo "$WORK/broker.in"
"$kafka_tool" broker --topic events:64 --topic live:64 --topic bare:64 <"$WORK/broker.in" >"$WORK/broker.out" 2>"$WORK/broker.log" &
BROKER_PID=$!
exec 7>"$WORK/broker.in"
for ((i = 0; i < 100; i++)); do
  BOOTSTRAP=$(sed -nE 's/^bootstrap (.*)$/\1/p' "$WORK/broker.out")
  [[ -n $BOOTSTRAP ]] && break
  sleep 0.1
done
[[ -n $BOOTSTRAP ]] || die "the broker did not start: $(cat "$WORK/broker.log")"
log "broker at $BOOTSTRAP"

password=bench-$RANDOM$RANDOM
auth="Authorization: Basic $(printf 'admin:%s' "$password" | base64 -w0)"
AURORA_ADMIN_PASSWORD=$password "$aurora" server --data "$WORK/aurora" --http-port 0 --clickhouse-port 0 \
  >"$WORK/aurora.log" 2>&1 &
AURORA_PID=$!
API_PORT=
for ((i = 0; i < 200; i++)); do
  API_PORT=$(sed -nE 's|.*API and web app +https?://[^:]+:([0-9]+)/.*|\1|p' "$WORK/aurora.log")
  [[ -n $API_PORT ]] && break
  sleep 0.1
done
[[ -n $API_PORT ]] || die "aurora server did not start: $(cat "$WORK/aurora.log")"
sql() { curl -sS -f -H "$auth" "http://127.0.0.1:$API_PORT/v1/sql?format=TSV" --data-binary "$1"; }

log "producing $events events to topic events"
"$aurora" gen --rows "$events" --seed 42 | "$kafka_tool" produce --brokers "$BOOTSTRAP" --topic events >&2

: >"$out/kafka-runs.jsonl"
for run in 1 2 3; do
  r=$("$tool" ceiling --brokers "$BOOTSTRAP" --topic events --events "$events")
  log "ceiling run $run: $r"
  echo "{\"system\":\"ceiling\",\"run\":$run,\"result\":$r}" >>"$out/kafka-runs.jsonl"
  sql "CREATE SOURCE s$run FROM KAFKA SETTINGS brokers = '$BOOTSTRAP', topic = 'events', group = 'bench-$run-$$' INTO e$run"
  r=$("$tool" visible --port "$API_PORT" --header "$auth" --table "e$run" --events "$events")
  log "aurora run $run: $r"
  echo "{\"system\":\"aurora\",\"run\":$run,\"result\":$r}" >>"$out/kafka-runs.jsonl"
  sql "DROP SOURCE s$run"
done

fresh_rate="${FRESH_RATE:-50000}"
log "freshness at $fresh_rate events/s"
sql "CREATE SOURCE live FROM KAFKA SETTINGS brokers = '$BOOTSTRAP', topic = 'live', group = 'bench-live-$$' INTO live"
for ((i = 0; i < 300; i++)); do
  n=$(sql "SELECT count() FROM system.source_partitions WHERE source = 'live' FORMAT TSV")
  [[ $n == 64 ]] && break
  sleep 0.1
done
fresh=$("$tool" fresh --brokers "$BOOTSTRAP" --topic live --rate "$fresh_rate" --seconds 10 --port "$API_PORT" \
  --header "$auth" --table live)
log "freshness: $fresh"
echo "{\"system\":\"fresh\",\"run\":1,\"result\":$fresh}" >>"$out/kafka-runs.jsonl"
fresh=$("$tool" fresh --bare --brokers "$BOOTSTRAP" --topic bare --rate "$fresh_rate" --seconds 10)
log "freshness, bare consumer: $fresh"
echo "{\"system\":\"fresh-bare\",\"run\":1,\"result\":$fresh}" >>"$out/kafka-runs.jsonl"

/usr/bin/python3 - "$out/kafka-runs.jsonl" "$events" >"$out/kafka-$events.md" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
def med(system, key):
    return statistics.median(r["result"][key] for r in runs if r["system"] == system)
ceiling, aurora = med("ceiling", "events_per_s"), med("aurora", "events_per_s")
fresh = next(r["result"] for r in runs if r["system"] == "fresh")
bare = next(r["result"] for r in runs if r["system"] == "fresh-bare")
print(f"Kafka source, {int(sys.argv[2]):,} events of the standard workload, 64 partitions, median of 3 runs:\n")
print("| | events/s | vs. bare consumer |")
print("|---|---:|---:|")
print(f"| bare librdkafka consumer (ceiling) | {ceiling:,.0f} | 1.00 |")
print(f"| Aurora source into a table (visible to SELECT) | {aurora:,.0f} | {aurora / ceiling:.2f} |")
print(f"\nProduce to visible at {fresh['rate']:,.0f} events/s for 10 s (the first 2 s not counted), ms:\n")
print("| | p50 | p95 | p99 | max | never seen |")
print("|---|---:|---:|---:|---:|---:|")
for name, f in (("bare librdkafka consumer (received)", bare), ("Aurora source (visible to SELECT)", fresh)):
    print(f"| {name} | {f['freshness_ms_p50']:.0f} | {f['freshness_ms_p95']:.0f} | {f['freshness_ms_p99']:.0f} | "
          f"{f['freshness_ms_max']:.0f} | {f['missing']} |")
PY
cat "$out/kafka-$events.md"
