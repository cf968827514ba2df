// Drives Aurora's ClickHouse HTTP port with the official ClickHouse JS client, as an application would.
//   node client_test.mjs URL USER PASSWORD
// Exits 0 when every check passed; prints the failed check and exits 1 otherwise.
import { createClient, ClickHouseLogLevel } from '@clickhouse/client';
import assert from 'node:assert/strict';

const [url, username, password] = process.argv.slice(2);
const table = `js_${Date.now()}`;

async function main() {
  const client = createClient({ url, username, password, request_timeout: 30000, log: { level: ClickHouseLogLevel.OFF } });

  const ping = await client.ping();
  assert.equal(ping.success, true, `ping failed: ${ping.error}`);

  await client.command({
    query: `CREATE TABLE ${table} (id UInt32, name String, price Float64, ts DateTime64(3)) ORDER BY id`,
  });

  const rows = [];
  for (let i = 1; i <= 5000; i++) {
    rows.push({ id: i, name: `item-${i % 7}`, price: i / 4, ts: '2024-01-01 00:00:00.000' });
  }
  await client.insert({ table, values: rows, format: 'JSONEachRow' });

  // Aggregates come back typed as ClickHouse sends them (64-bit integers as strings in JSON formats).
  const agg = await client.query({
    query: `SELECT count() AS c, sum(id) AS s, round(sum(price), 2) AS p FROM ${table}`,
    format: 'JSONEachRow',
  });
  const [totals] = await agg.json();
  assert.equal(Number(totals.c), 5000);
  assert.equal(Number(totals.s), 5000 * 5001 / 2);
  assert.equal(totals.p, 5000 * 5001 / 2 / 4);

  // Query parameters bind to {name:Type} placeholders; the client never builds SQL text.
  const byId = await client.query({
    query: `SELECT name FROM ${table} WHERE id = {id:UInt32} AND name != {not_name:String}`,
    query_params: { id: 9, not_name: "x' OR 1=1 --" },
    format: 'JSONEachRow',
  });
  assert.deepEqual(await byId.json(), [{ name: 'item-2' }]);

  // The JSON format has meta, data, rows and statistics.
  const json = await client.query({
    query: `SELECT name, count() AS n FROM ${table} GROUP BY name ORDER BY name LIMIT 3`,
    format: 'JSON',
  });
  const doc = await json.json();
  assert.deepEqual(doc.meta.map((m) => m.name), ['name', 'n']);
  assert.equal(doc.rows, 3);
  assert.equal(doc.data[0].name, 'item-0');
  assert.ok(doc.statistics.rows_read >= 5000);

  // Streaming a larger result row by row.
  const stream = await client.query({ query: `SELECT id FROM ${table} ORDER BY id`, format: 'JSONEachRow' });
  let seen = 0;
  let last = 0;
  for await (const batch of stream.stream()) {
    for (const row of batch) {
      const { id } = row.json();
      assert.ok(id > last);
      last = id;
      seen++;
    }
  }
  assert.equal(seen, 5000);

  // Errors reject with ClickHouse's code and message.
  await assert.rejects(client.query({ query: `SELECT * FROM ${table}_missing`, format: 'JSONEachRow' }), (e) => {
    assert.equal(e.code, '60');
    assert.match(e.message, /does not exist/);
    return true;
  });
  await assert.rejects(client.query({ query: 'SELEC 1', format: 'JSONEachRow' }), (e) => {
    assert.equal(e.code, '62');
    return true;
  });

  // CSV output.
  const csv = await client.query({ query: `SELECT id, name FROM ${table} WHERE id <= 2 ORDER BY id`, format: 'CSV' });
  assert.equal(await csv.text(), '1,"item-1"\n2,"item-2"\n');

  await client.command({ query: `DROP TABLE ${table}` });
  await client.close();

  // Wrong credentials are refused.
  const wrong = createClient({ url, username, password: `${password}-wrong`, log: { level: ClickHouseLogLevel.OFF } });
  await assert.rejects(wrong.query({ query: 'SELECT 1', format: 'JSONEachRow' }), (e) => {
    assert.equal(e.code, '516');
    return true;
  });
  await wrong.close();
  console.log('clickhouse-js: all checks passed');
}

main().catch((e) => {
  console.error('clickhouse-js check failed:', e);
  process.exit(1);
});
