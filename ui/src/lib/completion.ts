// SQL completion as pure logic: given the schema (tables and their columns), the server's functions, the
// editor's text and the cursor, which names fit where the cursor is.
//
//   after FROM / JOIN / INTO / TABLE / DESCRIBE        table names
//   after `t.` or `alias.`                             the columns of that table
//   after `system.`                                    the system tables
//   elsewhere                                          columns of the tables the statement reads (all
//                                                      columns when it reads none yet), functions,
//                                                      keywords, then tables
//
// Nothing is offered inside string literals, quoted names and comments. The editor adapter
// (components/sql_editor_setup.ts) turns candidates into CodeMirror completions.

export interface SchemaColumn {
  name: string;
  type: string;
}

export interface SchemaTable {
  name: string;
  columns: SchemaColumn[];
}

export interface FunctionInfo {
  name: string;
  is_aggregate: boolean;
}

export type CandidateKind = 'column' | 'function' | 'keyword' | 'table';

export interface Candidate {
  label: string;
  kind: CandidateKind;
  detail?: string;
  // Text inserted when it differs from the label (quoted names, keyword case).
  apply?: string;
  // Higher comes first; the editor passes it on as the completion's boost.
  rank: number;
}

export interface CompletionInput {
  tables: SchemaTable[];
  functions: FunctionInfo[];
  text: string;
  cursor: number;
  // The user asked for completion (Ctrl+Space): offer names even before anything is typed.
  explicit?: boolean;
}

export interface CompletionResult {
  from: number;
  to: number;
  candidates: Candidate[];
}

export const SYSTEM_TABLES = [
  'tables', 'columns', 'parts', 'query_log', 'tokens', 'sources', 'source_partitions', 'metrics', 'functions',
];

export const KEYWORDS = [
  'SELECT', 'FROM', 'WHERE', 'GROUP BY', 'ORDER BY', 'HAVING', 'LIMIT', 'OFFSET', 'DISTINCT', 'AS', 'AND',
  'OR', 'NOT', 'IN', 'IS NULL', 'IS NOT NULL', 'BETWEEN', 'LIKE', 'ILIKE', 'CASE', 'WHEN', 'THEN', 'ELSE',
  'END', 'JOIN', 'LEFT JOIN', 'INNER JOIN', 'ON', 'USING', 'UNION ALL', 'WITH', 'INTERVAL', 'ASC', 'DESC',
  'NULLS FIRST', 'NULLS LAST', 'SETTINGS', 'FORMAT', 'INSERT INTO', 'VALUES', 'CREATE TABLE', 'DROP TABLE',
  'DESCRIBE', 'SHOW TABLES', 'EXPLAIN', 'NULL', 'TRUE', 'FALSE',
];

// Keywords after which a table name comes.
const TABLE_POSITION = new Set(['FROM', 'JOIN', 'INTO', 'TABLE', 'DESCRIBE', 'DESC', 'TRUNCATE', 'EXISTS']);

// Words that end a table reference instead of naming its alias.
const NOT_ALIAS = new Set([
  'WHERE', 'GROUP', 'ORDER', 'LIMIT', 'HAVING', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'ON',
  'USING', 'SETTINGS', 'FORMAT', 'UNION', 'PREWHERE', 'AS', 'FINAL', 'SAMPLE', 'OFFSET', 'WITH', 'WINDOW',
]);

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

// Where a scan of `text` up to `end` stands: in code, or inside a string, quoted name or comment.
export function lexicalState(text: string, end: number): 'code' | 'string' | 'quoted' | 'comment' {
  let i = 0;
  while (i < end) {
    const c = text[i];
    if (c === "'") {
      i++;
      while (i < end && text[i] !== "'") i += text[i] === '\\' ? 2 : 1;
      if (i >= end) return 'string';
      i++;
    } else if (c === '`' || c === '"') {
      i++;
      while (i < end && text[i] !== c) i++;
      if (i >= end) return 'quoted';
      i++;
    } else if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      if (nl < 0 || nl >= end) return 'comment';
      i = nl + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0 || close + 2 > end) return 'comment';
      i = close + 2;
    } else {
      i++;
    }
  }
  return 'code';
}

// The statement around `cursor` (statements are separated by semicolons outside strings).
function statementAround(text: string, cursor: number): { start: number; end: number } {
  let start = 0;
  let end = text.length;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== ';' || lexicalState(text, i) !== 'code') continue;
    if (i < cursor) start = i + 1;
    else {
      end = i;
      break;
    }
  }
  return { start, end };
}

function unquote(name: string): string {
  return name.length >= 2 && (name[0] === '`' || name[0] === '"') ? name.slice(1, -1) : name;
}

// The tables a statement reads, by the name or alias it uses for them.
export function referencedTables(statement: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /\b(?:FROM|JOIN)\s+((?:[A-Za-z_][A-Za-z0-9_]*|`[^`]+`)(?:\.(?:[A-Za-z_][A-Za-z0-9_]*|`[^`]+`))?)(?:\s+(?:AS\s+)?([A-Za-z_][A-Za-z0-9_]*))?/gi;
  for (const m of statement.matchAll(re)) {
    const parts = m[1].split('.').map(unquote);
    const table = parts.length === 2 && parts[0].toLowerCase() === 'default' ? parts[1] : parts.join('.');
    out.set(table, table);
    const alias = m[2];
    if (alias && !NOT_ALIAS.has(alias.toUpperCase())) out.set(alias, table);
  }
  return out;
}

function quoteIfNeeded(name: string): string | undefined {
  return IDENT.test(name) ? undefined : '`' + name.replace(/`/g, '\\`') + '`';
}

function matches(label: string, prefix: string): boolean {
  return prefix === '' || label.toLowerCase().startsWith(prefix.toLowerCase());
}

export function complete(input: CompletionInput): CompletionResult | null {
  const { text, cursor } = input;
  if (cursor < 0 || cursor > text.length) return null;
  if (lexicalState(text, cursor) !== 'code') return null;
  const before = text.slice(0, cursor);
  const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(before)?.[0] ?? '';
  const from = cursor - word.length;
  // A number (or a word glued to one, as in 1e10) is not a name.
  if (from > 0 && /[0-9]/.test(text[from - 1])) return null;
  const { start, end } = statementAround(text, cursor);
  const statement = text.slice(start, end);

  // `qualifier.word`
  const qualified = /((?:[A-Za-z_][A-Za-z0-9_]*)|`[^`]+`)\.$/.exec(text.slice(start, from));
  if (qualified) {
    const qualifier = unquote(qualified[1]);
    if (qualifier.toLowerCase() === 'system') {
      const candidates = SYSTEM_TABLES.filter((t) => matches(t, word))
        .map((t) => ({ label: t, kind: 'table' as const, detail: 'system table', rank: 4 }));
      return { from, to: cursor, candidates };
    }
    const table = referencedTables(statement).get(qualifier) ?? qualifier;
    const t = input.tables.find((x) => x.name === table);
    if (!t) return null;
    return { from, to: cursor, candidates: columnCandidates(t, word) };
  }

  const previous = /([A-Za-z_]+)\s+$/.exec(text.slice(start, from))?.[1]?.toUpperCase();
  const tablePosition = previous !== undefined && TABLE_POSITION.has(previous);
  if (word === '' && !input.explicit && !tablePosition) return null;

  if (tablePosition) {
    const candidates: Candidate[] = input.tables
      .filter((t) => matches(t.name, word))
      .map((t) => ({ label: t.name, kind: 'table', detail: 'table', apply: quoteIfNeeded(t.name), rank: 4 }));
    for (const s of SYSTEM_TABLES) {
      const label = `system.${s}`;
      if (word !== '' && matches(label, word)) candidates.push({ label, kind: 'table', detail: 'system table', rank: 1 });
    }
    return { from, to: cursor, candidates };
  }

  const candidates: Candidate[] = [];
  const referenced = new Set(referencedTables(statement).values());
  const readTables = input.tables.filter((t) => referenced.has(t.name));
  const columnSource = readTables.length > 0 ? readTables : input.tables;
  const seen = new Set<string>();
  for (const t of columnSource) {
    for (const c of columnCandidates(t, word, columnSource.length > 1)) {
      if (seen.has(c.label)) continue;
      seen.add(c.label);
      candidates.push(c);
    }
  }
  for (const f of input.functions) {
    if (matches(f.name, word)) {
      candidates.push({ label: f.name, kind: 'function', detail: f.is_aggregate ? 'aggregate' : 'function', rank: 2 });
    }
  }
  const lower = word !== '' && word === word.toLowerCase();
  for (const k of KEYWORDS) {
    if (matches(k, word)) {
      candidates.push({ label: k, kind: 'keyword', detail: 'keyword', apply: lower ? k.toLowerCase() : undefined, rank: 1 });
    }
  }
  for (const t of input.tables) {
    if (matches(t.name, word)) candidates.push({ label: t.name, kind: 'table', detail: 'table', apply: quoteIfNeeded(t.name), rank: 0 });
  }
  return { from, to: cursor, candidates };
}

function columnCandidates(t: SchemaTable, word: string, nameTable = false): Candidate[] {
  return t.columns
    .filter((c) => matches(c.name, word))
    .map((c) => ({
      label: c.name,
      kind: 'column' as const,
      detail: nameTable ? `${c.type} · ${t.name}` : c.type,
      apply: quoteIfNeeded(c.name),
      rank: 3,
    }));
}
