import { describe, expect, it } from 'vitest';
import {
  createTableSql,
  curlCommand,
  joinNullable,
  quoteIdent,
  quoteString,
  splitNullable,
  tableNameForFile,
} from './ddl';

describe('ddl', () => {
  it('quotes names and strings only as needed', () => {
    expect(quoteIdent('price')).toBe('price');
    expect(quoteIdent('unit price')).toBe('`unit price`');
    expect(quoteIdent('a`b')).toBe('`a\\`b`');
    expect(quoteString("it's")).toBe("'it\\'s'");
  });

  it('splits and joins Nullable in the form the server accepts', () => {
    expect(splitNullable('Nullable(Int64)')).toEqual({ base: 'Int64', nullable: true });
    expect(splitNullable('LowCardinality(Nullable(String))')).toEqual({ base: 'LowCardinality(String)', nullable: true });
    expect(splitNullable('DateTime64(3)')).toEqual({ base: 'DateTime64(3)', nullable: false });
    expect(joinNullable('LowCardinality(String)', true)).toBe('LowCardinality(Nullable(String))');
    expect(joinNullable('Float64', true)).toBe('Nullable(Float64)');
    expect(joinNullable('Float64', false)).toBe('Float64');
  });

  it('writes CREATE TABLE with MergeTree, ORDER BY and an optional PARTITION BY', () => {
    const sql = createTableSql({
      name: 'orders',
      columns: [{ name: 'timestamp', type: 'DateTime' }, { name: 'unit price', type: 'Float64' }],
      orderBy: 'timestamp',
      partitionBy: 'toYYYYMM(timestamp)',
    });
    expect(sql).toBe('CREATE TABLE orders\n(\n    timestamp DateTime,\n    `unit price` Float64\n)\n' +
      'ENGINE = MergeTree\nORDER BY timestamp\nPARTITION BY toYYYYMM(timestamp)');
    expect(createTableSql({ name: 't', columns: [{ name: 'a', type: 'String' }], orderBy: '', partitionBy: '' }))
      .toBe('CREATE TABLE t\n(\n    a String\n)\nENGINE = MergeTree\nORDER BY tuple()');
    expect(() => createTableSql({ name: '1x', columns: [{ name: 'a', type: 'String' }], orderBy: '', partitionBy: '' }))
      .toThrow(/not a table name/);
    expect(() => createTableSql({ name: 't', columns: [{ name: 'a', type: ' ' }], orderBy: '', partitionBy: '' }))
      .toThrow(/column 'a' needs a type/);
  });

  it('proposes table names for files', () => {
    expect(tableNameForFile('Sales 2024.csv')).toBe('sales_2024');
    expect(tableNameForFile('events.ndjson')).toBe('events');
    expect(tableNameForFile('2024.csv')).toBe('t_2024');
    expect(tableNameForFile('.csv')).toBe('uploaded');
  });

  it('writes a curl command that sends a file with a bearer token', () => {
    expect(curlCommand('http://127.0.0.1:8080/', 'clicks', 'aur_abc'))
      .toBe("curl -H 'Authorization: Bearer aur_abc' 'http://127.0.0.1:8080/v1/events?table=clicks' --data-binary @events.ndjson");
  });
});
