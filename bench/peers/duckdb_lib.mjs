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
