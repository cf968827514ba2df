// The schema and function names the SQL editor completes, read once per session from system.columns and
// system.functions and refreshed on demand (after a table is created, for example).
import { query } from './api';
import type { FunctionInfo, SchemaTable } from './lib/completion';

export interface EditorSchema {
  tables: SchemaTable[];
  functions: FunctionInfo[];
}

let cached: EditorSchema = { tables: [], functions: [] };
let loading: Promise<EditorSchema> | null = null;
let loadedAt = 0;
const listeners = new Set<(s: EditorSchema) => void>();

export function currentSchema(): EditorSchema {
  return cached;
}

function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 'true';
}

async function read(): Promise<EditorSchema> {
  const [columns, functions] = await Promise.allSettled([
    query('SELECT table, name, type FROM system.columns ORDER BY table, position'),
    query('SELECT name, is_aggregate FROM system.functions ORDER BY name'),
  ]);
  const tables: SchemaTable[] = [];
  if (columns.status === 'fulfilled') {
    const byName = new Map<string, SchemaTable>();
    for (const [t, name, type] of columns.value.data) {
      const key = String(t);
      let entry = byName.get(key);
      if (!entry) {
        entry = { name: key, columns: [] };
        byName.set(key, entry);
        tables.push(entry);
      }
      entry.columns.push({ name: String(name), type: String(type) });
    }
  }
  const fns: FunctionInfo[] = functions.status === 'fulfilled'
    ? functions.value.data.map(([name, agg]) => ({ name: String(name), is_aggregate: truthy(agg) }))
    : cached.functions;
  return { tables, functions: fns };
}

// Loads the schema unless it is fresh (younger than maxAgeMs); listeners hear the new one.
export function loadSchema(maxAgeMs = 60_000): Promise<EditorSchema> {
  if (Date.now() - loadedAt < maxAgeMs) return Promise.resolve(cached);
  if (!loading) {
    loading = read()
      .then((s) => {
        cached = s;
        loadedAt = Date.now();
        listeners.forEach((l) => l(s));
        return s;
      })
      .finally(() => {
        loading = null;
      });
  }
  return loading;
}

export function refreshSchema(): Promise<EditorSchema> {
  return loadSchema(0);
}

export function onSchema(listener: (s: EditorSchema) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
