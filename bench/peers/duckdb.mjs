#!/usr/bin/env node
// Loads an NDJSON file of the standard e-commerce workload into a DuckDB
// database file and prints one JSON line of results on stdout:
//   {"system":"duckdb","version":...,"rows":...,"load_seconds":...,
//    "bytes_on_disk":...,"scan_price_seconds":...,"scan_user_id_seconds":...}
// Progress goes to stderr.
//
// Usage: node duckdb.mjs NDJSON_FILE [DB_FILE]
//   Without DB_FILE the database is made in a temporary directory and deleted
//   at the end. A DB_FILE given is kept (it must not exist yet).
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadEvents, runMain } from './duckdb_lib.mjs';

const log = (msg) => process.stderr.write(`duckdb.mjs: ${msg}\n`);
const fail = (msg) => {
  log(`error: ${msg}`);
  process.exit(1);
};

const args = process.argv.slice(2);
if (args.length < 1 || args.length > 2) fail('usage: node duckdb.mjs NDJSON_FILE [DB_FILE]');
const input = path.resolve(args[0]);
try {
  fs.accessSync(input, fs.constants.R_OK);
  if (!fs.statSync(input).isFile()) throw new Error('not a file');
} catch {
  fail(`cannot read input file '${args[0]}'`);
}

const keep = args.length === 2;
let tmpDir = null;
let dbFile;
if (keep) {
  dbFile = path.resolve(args[1]);
  if (fs.existsSync(dbFile)) fail(`database file '${args[1]}' already exists; remove it or choose another name`);
} else {
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duckdb-peer-'));
  dbFile = path.join(tmpDir, 'events.duckdb');
}

function cleanup() {
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
}

async function timed(fn) {
  const t0 = performance.now();
  const result = await fn();
  return [(performance.now() - t0) / 1000, result];
}

async function main() {
  const instance = await DuckDBInstance.create(dbFile);
  const conn = await instance.connect();
  try {
    const version = String((await conn.runAndReadAll('SELECT version()')).getRows()[0][0]).replace(/^v/, '');
    log(`DuckDB ${version}, database ${dbFile}`);

    log(`loading ${input}`);
    const [loadSeconds] = await timed(async () => {
      await loadEvents(conn, input);
    });

    const rows = Number((await conn.runAndReadAll('SELECT count(*) FROM events')).getRows()[0][0]);
    let bytes = fs.statSync(dbFile).size;
    const wal = `${dbFile}.wal`;
    if (fs.existsSync(wal)) bytes += fs.statSync(wal).size;
    log(`loaded ${rows} rows in ${loadSeconds.toFixed(3)} s, ${bytes} bytes on disk`);

    // Best of 5, wall time around the query call (result fully read).
    const scan = async (column) => {
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const [s] = await timed(() => conn.runAndReadAll(`SELECT sum(${column}) FROM events`));
        best = Math.min(best, s);
      }
      return best;
    };
    const scanPrice = await scan('price');
    const scanUserId = await scan('user_id');
    log(`scan price ${scanPrice.toFixed(4)} s, scan user_id ${scanUserId.toFixed(4)} s (best of 5)`);

    return {
      system: 'duckdb',
      version,
      rows,
      load_seconds: Number(loadSeconds.toFixed(3)),
      bytes_on_disk: bytes,
      scan_price_seconds: Number(scanPrice.toFixed(4)),
      scan_user_id_seconds: Number(scanUserId.toFixed(4)),
    };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

await runMain(main, cleanup, fail, () => { if (keep) log(`kept ${dbFile}`); });
