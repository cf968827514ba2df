#!/usr/bin/env bash
# The 12 reference queries beside ClickHouse 18.16 and DuckDB, in one run, on the same events:
#   1. N events of the standard workload (Aurora's generator, seed 42) as NDJSON for the peers, and the
#      same events loaded into an Aurora data directory (`aurora demo`, seed 42);
#   2. each system runs each query once untimed, then 5 times; best of 5 of the engine's own time;
#   3. a Markdown table with the times, the ratios and their geometric means (bench/out/queries-N.md).
#   bench/queries.sh [ROWS]        (default 10000000)
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-10000000}"
out=bench/out
mkdir -p "$out"
source bench/lib.sh
data=$(ensure_events "$rows" "$out")
aurora_dir="$out/aurora-queries-$rows"
if [[ ! -d "$aurora_dir/tables/events" ]]; then
  echo "queries bench: loading $rows events into $aurora_dir" >&2
  rm -rf "$aurora_dir"
  build/release/src/app/aurora demo --data "$aurora_dir" --rows "$rows" > /dev/null
fi
# The standard workload lives beside the repository (../shared/workload).
queries=../shared/workload/queries.sql
[[ -f "$queries" ]] || { echo "queries bench: $queries not found (the shared workload beside the repository)" >&2; exit 1; }

echo "queries bench: aurora" >&2
build/release/bench/queries --data "$aurora_dir" --queries "$queries" | tail -1 > "$out/aurora-queries.json"
echo "queries bench: clickhouse" >&2
bench/peers/clickhouse_queries.sh "$data" | tail -1 > "$out/clickhouse-queries.json"
echo "queries bench: duckdb" >&2
node bench/peers/duckdb_queries.mjs "$data" | tail -1 > "$out/duckdb-queries.json"

python3 - "$out" "$rows" <<'PY' | tee "$out/queries-$rows.md"
import json, math, os, platform, sys
out, rows = sys.argv[1], int(sys.argv[2])
a = json.load(open(f"{out}/aurora-queries.json"))
c = json.load(open(f"{out}/clickhouse-queries.json"))
d = json.load(open(f"{out}/duckdb-queries.json"))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"Machine: {os.cpu_count()} cores, {cpu}, Linux {platform.release()}; {rows:,} events; best of 5, seconds.\n")
print(f"| query | Aurora | ClickHouse {c.get('version','')} | DuckDB {d.get('version','')} | Aurora / ClickHouse | Aurora / DuckDB |")
print("|---|---|---|---|---|---|")
ga = gc = gd = 0.0
for qa, qc, qd in zip(a["queries"], c["queries"], d["queries"]):
    ta, tc, td = qa["best_seconds"], qc["best_seconds"], qd["best_seconds"]
    ta, tc, td = max(ta, 1e-6), max(tc, 1e-6), max(td, 1e-6)
    ga += math.log(ta); gc += math.log(tc); gd += math.log(td)
    print(f"| Q{qa['q']} | {ta:.4f} | {tc:.4f} | {td:.4f} | {ta/tc:.2f} | {ta/td:.2f} |")
n = len(a["queries"])
ga, gc, gd = math.exp(ga / n), math.exp(gc / n), math.exp(gd / n)
print(f"| geometric mean | {ga:.4f} | {gc:.4f} | {gd:.4f} | {ga/gc:.2f} | {ga/gd:.2f} |")
PY
