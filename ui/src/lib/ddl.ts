// SQL and shell text the app writes for the user: quoted names, CREATE TABLE for an uploaded file's
// (edited) schema, the column-type choices of the upload form, and the curl command of an HTTP source.

export const COMMON_TYPES = [
  'String',
  'LowCardinality(String)',
  'Int64',
  'UInt32',
  'UInt64',
  'Float64',
  'DateTime',
  'DateTime64(3)',
  'Date',
  'Bool',
];

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

// A name as SQL: bare when it is a plain identifier, else in backquotes.
export function quoteIdent(name: string): string {
  return IDENT.test(name) ? name : '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
}

// A string literal.
export function quoteString(text: string): string {
  return "'" + text.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

// Table names the events API accepts: letters, digits and underscores.
export function isTableName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

// A table name proposed for a file: its base name, other characters as underscores.
export function tableNameForFile(fileName: string): string {
  const base = fileName.replace(/\.[^.]*$/, '').replace(/\.(nd)?jsonl?$|\.csv$/i, '');
  let name = base.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase();
  if (name === '') name = 'uploaded';
  if (/^[0-9]/.test(name)) name = 't_' + name;
  return name;
}

export type FileFormat = 'csv' | 'ndjson';

export function formatForFile(fileName: string): FileFormat {
  return /\.(csv|tsv)$/i.test(fileName) ? 'csv' : 'ndjson';
}

// A type split into its base and whether NULL is allowed: Nullable(T) and LowCardinality(Nullable(T)).
export function splitNullable(type: string): { base: string; nullable: boolean } {
  const t = type.trim();
  let m = /^Nullable\((.*)\)$/.exec(t);
  if (m) return { base: m[1].trim(), nullable: true };
  m = /^LowCardinality\(Nullable\((.*)\)\)$/.exec(t);
  if (m) return { base: `LowCardinality(${m[1].trim()})`, nullable: true };
  return { base: t, nullable: false };
}

// The inverse of splitNullable, in the form the server accepts (LowCardinality(Nullable(String))).
export function joinNullable(base: string, nullable: boolean): string {
  const b = base.trim();
  if (!nullable) return b;
  const lc = /^LowCardinality\((.*)\)$/.exec(b);
  if (lc) return `LowCardinality(Nullable(${lc[1].trim()}))`;
  if (/^Nullable\(/.test(b)) return b;
  return `Nullable(${b})`;
}

export interface ColumnDefinition {
  name: string;
  type: string;
}

export interface TableDefinition {
  name: string;
  columns: ColumnDefinition[];
  orderBy: string;
  partitionBy: string;
}

// CREATE TABLE for a definition; throws an Error naming what is missing.
export function createTableSql(def: TableDefinition): string {
  if (!isTableName(def.name))
    throw new Error(`'${def.name}' is not a table name: use letters, digits and underscores, not starting with a digit`);
  if (def.columns.length === 0) throw new Error('the table needs at least one column');
  for (const c of def.columns) {
    if (c.name.trim() === '') throw new Error('every column needs a name');
    if (c.type.trim() === '') throw new Error(`column '${c.name}' needs a type`);
  }
  const cols = def.columns.map((c) => `    ${quoteIdent(c.name)} ${c.type.trim()}`).join(',\n');
  const orderBy = def.orderBy.trim() === '' ? 'tuple()' : def.orderBy.trim();
  let sql = `CREATE TABLE ${def.name}\n(\n${cols}\n)\nENGINE = MergeTree\nORDER BY ${orderBy}`;
  if (def.partitionBy.trim() !== '') sql += `\nPARTITION BY ${def.partitionBy.trim()}`;
  return sql;
}

// A shell word in single quotes.
export function shellQuote(text: string): string {
  return "'" + text.replace(/'/g, "'\\''") + "'";
}

// The command that sends a file of events to a table with a token.
export function curlCommand(origin: string, table: string, token: string, file = 'events.ndjson'): string {
  const url = `${origin.replace(/\/+$/, '')}/v1/events?table=${encodeURIComponent(table)}`;
  return `curl -H ${shellQuote(`Authorization: Bearer ${token}`)} ${shellQuote(url)} --data-binary @${file}`;
}
