#!/usr/bin/env node
// Loads an NDJSON file of the standard e-commerce workload into a temporary DuckDB
// database file (as duckdb.mjs does), runs the reference queries of the workload
// (duckdb_reference_queries.mjs) and prints one JSON line of results on stdout:
//   {"system":"duckdb","version":...,"rows":...,
//    "queries":[{"q":1,"best_seconds":...,"all_seconds":[...]}, ...]}
// Each query runs once untimed (warm-up), then 5 times timed; the time of a run is
// the `latency` DuckDB's own profiler reports for it (PRAGMA enable_profiling='json').
// Progress, with the wall time around each call for comparison, goes to stderr.
// The database and the profile are deleted at the end.
//
// Usage: node duckdb_queries.mjs NDJSON_FILE
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadEvents, sqlString, runMain } from './duckdb_lib.mjs';
import { DUCKDB_QUERIES } from './duckdb_reference_queries.mjs';

const RUNS = 5;

const log = (msg) => process.stderr.write(`duckdb_queries.mjs: ${msg}\n`);
const fail = (msg) => {
  log(`error: ${msg}`);
  process.exit(1);
};

const args = process.argv.slice(2);
if (args.length !== 1) fail('usage: node duckdb_queries.mjs NDJSON_FILE');
const input = path.resolve(args[0]);
try {
  fs.accessSync(input, fs.constants.R_OK);
  if (!fs.statSync(input).isFile()) throw new Error('not a file');
} catch {
  fail(`cannot read input file '${args[0]}'`);
}

const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duckdb-peer-'));
const dbFile = path.join(tmpDir, 'events.duckdb');
const profileFile = path.join(tmpDir, 'profile.json');

function cleanup() {
  fs.rmSync(tmpDir, { recursive: true, force: true });
}

// Runs one query with the result fully materialized; returns the profiler's latency
// (seconds), the wall time around the call (seconds) and the number of result rows.
async function runQuery(conn, sql) {
  fs.rmSync(profileFile, { force: true });
  const t0 = performance.now();
  const reader = await conn.runAndReadAll(sql);
  const wall = (performance.now() - t0) / 1000;
  let profile;
  try {
    profile = JSON.parse(fs.readFileSync(profileFile, 'utf8'));
  } catch (err) {
    throw new Error(`no profile written for: ${sql} (${err.message})`);
  }
  if (typeof profile.latency !== 'number') throw new Error(`no latency in the profile of: ${sql}`);
  if (profile.query_name !== sql) throw new Error(`the profile is of another query: ${profile.query_name}`);
  return { latency: profile.latency, wall, rows: reader.currentRowCount };
}

async function main() {
  const instance = await DuckDBInstance.create(dbFile);
  const conn = await instance.connect();
  try {
    const version = String((await conn.runAndReadAll('SELECT version()')).getRows()[0][0]).replace(/^v/, '');
    log(`DuckDB ${version}, database ${dbFile}`);

    log(`loading ${input}`);
    const t0 = performance.now();
    await loadEvents(conn, input);
    const loadSeconds = (performance.now() - t0) / 1000;
    const rows = Number((await conn.runAndReadAll('SELECT count(*) FROM events')).getRows()[0][0]);
    log(`loaded ${rows} rows in ${loadSeconds.toFixed(3)} s`);

    // The profile of each query is written to profileFile when it ends.
    await conn.run("PRAGMA enable_profiling = 'json'");
    await conn.run(`PRAGMA profiling_output = ${sqlString(profileFile)}`);

    const queries = [];
    for (const [i, sql] of DUCKDB_QUERIES.entries()) {
      const { rows: resultRows } = await runQuery(conn, sql); // warm-up, not timed
      const latencies = [];
      const walls = [];
      for (let r = 0; r < RUNS; r++) {
        const { latency, wall } = await runQuery(conn, sql);
        latencies.push(Number(latency.toFixed(6)));
        walls.push(wall);
      }
      const best = Math.min(...latencies);
      log(`Q${i + 1}: best ${best.toFixed(6)} s of ${RUNS} (${latencies.map((t) => t.toFixed(6)).join(' ')}), ` +
        `best wall ${Math.min(...walls).toFixed(6)} s, ${resultRows} result rows`);
      queries.push({ q: i + 1, best_seconds: best, all_seconds: latencies });
    }
    await conn.run('PRAGMA disable_profiling');
    return { system: 'duckdb', version, rows, queries };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

await runMain(main, cleanup, fail);
