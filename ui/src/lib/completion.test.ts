import { describe, expect, it } from 'vitest';
import { CompletionInput, complete, lexicalState, referencedTables } from './completion';

const tables = [
  { name: 'events', columns: [
    { name: 'timestamp', type: 'DateTime64(3)' },
    { name: 'price', type: 'Float64' },
    { name: 'product_id', type: 'UInt32' },
    { name: 'region', type: 'LowCardinality(String)' },
  ] },
  { name: 'orders', columns: [
    { name: 'order_id', type: 'UInt64' },
    { name: 'price', type: 'Float64' },
    { name: 'odd name', type: 'String' },
  ] },
];
const functions = [
  { name: 'count', is_aggregate: true },
  { name: 'countIf', is_aggregate: true },
  { name: 'concat', is_aggregate: false },
  { name: 'toStartOfMinute', is_aggregate: false },
];

// `|` marks the cursor.
function at(textWithCursor: string, explicit = false) {
  const cursor = textWithCursor.indexOf('|');
  const text = textWithCursor.replace('|', '');
  const input: CompletionInput = { tables, functions, text, cursor, explicit };
  return complete(input);
}

const labels = (r: ReturnType<typeof complete>) => r?.candidates.map((c) => c.label) ?? null;

describe('complete', () => {
  it('offers table names after FROM and JOIN, even before typing', () => {
    expect(labels(at('SELECT * FROM |'))).toEqual(['events', 'orders']);
    expect(labels(at('SELECT * FROM ev|'))).toEqual(['events']);
    expect(labels(at('select * from events e join o|'))).toEqual(['orders']);
    const r = at('SELECT * FROM ev|');
    expect(r).toMatchObject({ from: 14, to: 16 });
  });

  it('offers system tables after system. and by full name', () => {
    expect(labels(at('SELECT * FROM system.pa|'))).toEqual(['parts']);
    expect(labels(at('SELECT * FROM sys|'))).toContain('system.query_log');
  });

  it('offers columns of the tables the statement reads, then functions, keywords and tables', () => {
    const r = at('SELECT pr| FROM events');
    expect(labels(r)).toEqual(['price', 'product_id']);
    expect(r?.candidates[0]).toMatchObject({ kind: 'column', detail: 'Float64' });
    const c = at('SELECT co| FROM events');
    expect(labels(c)).toEqual(['count', 'countIf', 'concat']);
    expect(c?.candidates.map((x) => x.detail)).toEqual(['aggregate', 'aggregate', 'function']);
    expect(labels(at('SELECT o| FROM events'))).toEqual(['ORDER BY', 'OFFSET', 'OR', 'ON', 'orders']);
  });

  it('offers every table\'s columns when the statement reads none yet, once per name', () => {
    const r = at('SELECT pri|');
    expect(labels(r)).toEqual(['price']);
    expect(labels(at('SELECT ord|'))).toEqual(['order_id', 'ORDER BY', 'orders']);
  });

  it('resolves aliases and table names before a dot', () => {
    expect(labels(at('SELECT e.| FROM events AS e'))).toEqual(['timestamp', 'price', 'product_id', 'region']);
    expect(labels(at('SELECT o.p| FROM events e JOIN orders o ON e.price = o.price'))).toEqual(['price']);
    expect(labels(at('SELECT orders.or| FROM orders'))).toEqual(['order_id']);
    expect(at('SELECT nothing.| FROM events')).toBeNull();
  });

  it('quotes names that are not plain identifiers and keeps the typed keyword case', () => {
    const r = at('SELECT od| FROM orders');
    expect(r?.candidates[0]).toMatchObject({ label: 'odd name', apply: '`odd name`' });
    const kw = at('select * from events wher|');
    expect(kw?.candidates).toEqual([{ label: 'WHERE', kind: 'keyword', detail: 'keyword', apply: 'where', rank: 1 }]);
    expect(at('SELECT * FROM events WHER|')?.candidates[0].apply).toBeUndefined();
  });

  it('ranks columns above functions above keywords above tables', () => {
    const r = at('SELECT | FROM events', true);
    const ranks = r!.candidates.map((c) => c.rank);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    expect(r!.candidates[0].kind).toBe('column');
  });

  it('offers nothing inside strings, quoted names, comments, numbers, or before typing', () => {
    expect(at("SELECT 'ev|")).toBeNull();
    expect(at("SELECT 'it''s' , x FROM events WHERE region = 'us|'")).toBeNull();
    expect(at('SELECT `pr|')).toBeNull();
    expect(at('SELECT 1 -- pr|')).toBeNull();
    expect(at('SELECT /* pr| */ 1')).toBeNull();
    expect(at('SELECT 1e1|')).toBeNull();
    expect(at('SELECT |')).toBeNull();
    expect(labels(at("SELECT 'a' AS x, pr| FROM events"))).toEqual(['price', 'product_id']);
  });

  it('reads only the statement around the cursor', () => {
    expect(labels(at('SELECT * FROM orders; SELECT pr| FROM events'))).toEqual(['price', 'product_id']);
    expect(labels(at("SELECT ';' FROM orders WHERE o|"))).toEqual(['order_id', 'odd name', 'ORDER BY', 'OFFSET', 'OR', 'ON', 'orders']);
  });
});

describe('helpers', () => {
  it('finds tables and aliases, not clause keywords', () => {
    expect([...referencedTables('SELECT * FROM default.events AS e JOIN `orders` o ON 1 WHERE x')]).toEqual([
      ['events', 'events'], ['e', 'events'], ['orders', 'orders'], ['o', 'orders'],
    ]);
    expect([...referencedTables('SELECT * FROM events WHERE 1')]).toEqual([['events', 'events']]);
  });

  it('tracks strings with escapes and comments', () => {
    expect(lexicalState("'a\\'b", 5)).toBe('string');
    expect(lexicalState("'a\\'b' x", 8)).toBe('code');
    expect(lexicalState('/* x */ y', 9)).toBe('code');
    expect(lexicalState('-- x\ny', 6)).toBe('code');
  });
});
