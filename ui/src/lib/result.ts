// Query results as the server sends them in the JSONCompact format, and what the app does with them on
// the client: type classes of columns, sorting, paging, cell text and CSV export.
//
// 64-bit integers arrive as strings (as ClickHouse writes them); dates and times as text in UTC.

export interface ColumnMeta {
  name: string;
  type: string;
}

export type Cell = string | number | boolean | null | Cell[] | { [key: string]: unknown };

export interface QueryStatistics {
  elapsed: number;
  rows_read: number;
  bytes_read: number;
}

export interface QueryResult {
  meta: ColumnMeta[];
  data: Cell[][];
  rows: number;
  statistics?: QueryStatistics;
}

// The answer to a statement without a result set (DDL, INSERT).
export interface StatementDone {
  query_id?: string;
  rows_written?: number;
  statistics?: Partial<QueryStatistics>;
}

export function isQueryResult(x: unknown): x is QueryResult {
  return typeof x === 'object' && x !== null && Array.isArray((x as QueryResult).meta) &&
    Array.isArray((x as QueryResult).data);
}

// The type without the wrappers that do not change its class: Nullable(T), LowCardinality(T).
export function baseType(type: string): string {
  let t = type.trim();
  for (;;) {
    const m = /^(Nullable|LowCardinality)\((.*)\)$/.exec(t);
    if (!m) return t;
    t = m[2].trim();
  }
}

export function isNumericType(type: string): boolean {
  return /^(U?Int(8|16|32|64|128|256)|Float(32|64)|Decimal(32|64|128|256)?(\(.*\))?)$/.test(baseType(type));
}

export function isTimeType(type: string): boolean {
  return /^(Date|Date32|DateTime|DateTime64)(\(.*\))?$/.test(baseType(type));
}

export function isStringType(type: string): boolean {
  return /^(String|FixedString\(\d+\)|UUID|Enum(8|16)?\(.*\)|IPv4|IPv6)$/.test(baseType(type));
}

export function isBoolType(type: string): boolean {
  return baseType(type) === 'Bool';
}

// A cell as a number, for charts and numeric sorting; NaN when it is not one.
export function cellNumber(v: Cell): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return NaN;
}

// A DateTime / Date cell as milliseconds since 1970 (the server writes UTC text).
export function cellTime(v: Cell): number {
  if (typeof v === 'number') return v * 1000;
  if (typeof v !== 'string') return NaN;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?)?/.exec(v);
  if (!m) return NaN;
  const ms = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms);
}

// The text shown for a cell.
export function cellText(v: Cell): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export type SortDirection = 'asc' | 'desc';

export interface SortOrder {
  column: number;
  direction: SortDirection;
}

// Rows ordered by one column, NULLs last in both directions (as the server orders them). Stable.
export function sortRows(meta: ColumnMeta[], data: Cell[][], order: SortOrder | null): Cell[][] {
  if (!order || order.column < 0 || order.column >= meta.length) return data;
  const { column, direction } = order;
  const type = meta[column].type;
  const sign = direction === 'asc' ? 1 : -1;
  const key = isNumericType(type) || isBoolType(type)
    ? (v: Cell) => cellNumber(v)
    : isTimeType(type)
      ? (v: Cell) => cellTime(v)
      : null;
  const indexed = data.map((row, i) => ({ row, i }));
  indexed.sort((a, b) => {
    const x = a.row[column];
    const y = b.row[column];
    if (x === null || y === null) {
      if (x === y) return a.i - b.i;
      return x === null ? 1 : -1;
    }
    let c: number;
    if (key) {
      const kx = key(x);
      const ky = key(y);
      c = kx < ky ? -1 : kx > ky ? 1 : 0;
    } else {
      const sx = cellText(x);
      const sy = cellText(y);
      c = sx < sy ? -1 : sx > sy ? 1 : 0;
    }
    return c !== 0 ? c * sign : a.i - b.i;
  });
  return indexed.map((e) => e.row);
}

export function pageCount(rows: number, pageSize: number): number {
  return Math.max(1, Math.ceil(rows / pageSize));
}

export function pageRows<T>(rows: T[], page: number, pageSize: number): T[] {
  return rows.slice(page * pageSize, (page + 1) * pageSize);
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

// RFC 4180 CSV with a header line; NULL is an empty field.
export function toCsv(result: Pick<QueryResult, 'meta' | 'data'>): string {
  const lines = [result.meta.map((c) => csvField(c.name)).join(',')];
  for (const row of result.data) {
    lines.push(row.map((v) => (v === null ? '' : csvField(cellText(v)))).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
