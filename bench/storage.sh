#!/usr/bin/env bash
# Storage benchmark beside ClickHouse 18.16 and DuckDB, in one run, on the same data:
#   1. writes N events of the standard workload as NDJSON (Aurora's generator, seed 42) for the peers;
#   2. Aurora: bench/storage_write (pre-parsed chunks; writes pinned to one core: durable appends + flushes;
#      scans on every core, as the peers scan);
#   3. ClickHouse 18.16: bench/peers/clickhouse.sh (INSERT ... FORMAT JSONEachRow of the file);
#   4. DuckDB: bench/peers/duckdb.mjs (CREATE TABLE AS SELECT FROM read_json of the file);
# and prints a Markdown table with the figures and ratios (also saved in bench/out/storage-N.md).
#   bench/storage.sh [ROWS]        (default 10000000)
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-10000000}"
out=bench/out
mkdir -p "$out"
source bench/lib.sh
data=$(ensure_events "$rows" "$out")

echo "storage bench: aurora" >&2
build/release/bench/storage_write --rows "$rows" --pin-write-core 0 --dir "$out/aurora-table" | tail -1 > "$out/aurora.json"
echo "storage bench: clickhouse" >&2
bench/peers/clickhouse.sh "$data" | tail -1 > "$out/clickhouse.json"
echo "storage bench: duckdb" >&2
node bench/peers/duckdb.mjs "$data" | tail -1 > "$out/duckdb.json"

python3 - "$out" "$rows" <<'PY' | tee "$out/storage-$rows.md"
import json, sys, platform, os
out, rows = sys.argv[1], int(sys.argv[2])
a = json.load(open(f"{out}/aurora.json"))
c = json.load(open(f"{out}/clickhouse.json"))
d = json.load(open(f"{out}/duckdb.json"))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"Machine: {os.cpu_count()} cores, {cpu}, Linux {platform.release()}; {rows:,} events.\n")
print("| | Aurora | ClickHouse {} | DuckDB {} | Aurora vs ClickHouse | Aurora vs DuckDB |".format(c.get("version", ""), d.get("version", "")))
print("|---|---|---|---|---|---|")
ar = a["rows_per_second"]; cr = c["rows"] / c["load_seconds"]; dr = d["rows"] / d["load_seconds"]
print(f"| write, rows/s | {ar:,.0f} | {cr:,.0f} | {dr:,.0f} | {ar/cr:.2f}x | {ar/dr:.2f}x |")
ab, cb, db = a["bytes_on_disk"], c["bytes_on_disk"], d["bytes_on_disk"]
print(f"| bytes on disk | {ab/1e6:.1f} MB | {cb/1e6:.1f} MB | {db/1e6:.1f} MB | {ab/cb:.2f} | {ab/db:.2f} |")
print(f"| bytes per row | {ab/rows:.2f} | {cb/rows:.2f} | {db/rows:.2f} | | |")
for col in ("price", "user_id"):
    at = a[f"scan_{col}_seconds"]; ct = c[f"scan_{col}_seconds"]; dt = d[f"scan_{col}_seconds"]
    print(f"| full scan of {col}, rows/s | {rows/at:,.0f} | {rows/ct:,.0f} | {rows/dt:,.0f} | {ct/at:.2f}x | {dt/at:.2f}x |")
print(f"| full scan of price, Aurora on one thread, rows/s | {rows/a['scan_price_1thread_seconds']:,.0f} | | | | |")
print()
print(f"Aurora: acknowledged appends alone {a['wal_rows_per_second']:,.0f} rows/s; merges after the load {a['merge_seconds']:.1f} s ({a['merges']} merges).")
PY
