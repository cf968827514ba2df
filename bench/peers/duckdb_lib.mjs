// Shared part of the DuckDB peer scripts (duckdb.mjs, duckdb_queries.mjs): the `events` table of the
// standard workload and its load from an NDJSON file.

// Same columns as the ClickHouse table; the strings are VARCHAR (DuckDB picks
// dictionary compression by itself), timestamp keeps its milliseconds.
export const EVENTS_COLUMNS = `{
  timestamp: 'TIMESTAMP', product_id: 'UINTEGER', price: 'DOUBLE', quantity: 'UTINYINT',
  user_id: 'UINTEGER', action_type: 'VARCHAR', session_id: 'VARCHAR', region: 'VARCHAR',
  user_type: 'VARCHAR', category: 'VARCHAR', brand: 'VARCHAR', device_type: 'VARCHAR'
}`;

export const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

// Creates `events` from the NDJSON file `input` and checkpoints it into the database file.
export async function loadEvents(conn, input) {
  await conn.run(`CREATE TABLE events AS SELECT * FROM read_json(${sqlString(input)},
    format = 'newline_delimited', columns = ${EVENTS_COLUMNS})`);
  await conn.run('CHECKPOINT');
}

// Runs `main` with `cleanup` on success, failure, SIGINT and SIGTERM; prints main's result as one JSON
// line. `fail(msg)` reports an error and exits non-zero.
export async function runMain(main, cleanup, fail, afterCleanup = () => {}) {
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      cleanup();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
  let result;
  try {
    result = await main();
  } catch (err) {
    cleanup();
    fail(err && err.message ? err.message : String(err));
  }
  cleanup();
  afterCleanup();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
