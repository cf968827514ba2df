// The server's HTTP API as the app calls it: one fetch wrapper (the session cookie, the CSRF header on
// every request that is not a GET, JSON in and out, errors as ApiError with the server's code and message
// and what the user can do next), and one typed function per route the app uses.
//
// Authentication is the HttpOnly `aurora_session` cookie set by POST /v1/session; the app never sees a
// password after sign-in nor a session secret. A 401 from any call but sign-in tells the app (see
// onUnauthenticated) so it can show the sign-in page.
import type { QueryResult, StatementDone } from './lib/result';
import type { Spec, SpecPanel } from './lib/dashboard_spec';

export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly line?: number,
    public readonly column?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  // What the user can do about it, in a sentence.
  get nextStep(): string {
    return nextStepFor(this.status, this.code, this.line);
  }
}

export function nextStepFor(status: number, code: string, line?: number): string {
  if (status === 0) return 'Check that the server is running and reachable, then try again.';
  if (status === 401) return 'Sign in again.';
  if (status === 403) return 'Ask an admin to grant you the privilege named above.';
  if ((status === 400 || status === 404) && line !== undefined) return 'Fix the statement where the editor marks it and run it again.';
  if (status === 400) return 'Correct what the message names and try again.';
  if (status === 404) return 'Check the name: it may not exist, or may have been dropped.';
  if (status === 409) return 'Choose another name, or use the one that exists.';
  if (status === 413) return "Send less at once: the body is over the server's max_body_bytes.";
  if (status === 422) return 'Narrow the query (a shorter time range, a LIMIT, fewer groups) or raise the limit in SETTINGS.';
  if (status === 429) return 'Too many requests: wait a minute and try again.';
  if (status === 503) return 'The server is busy or shutting down: try again shortly.';
  if (status === 507) return "The server's disk is full: free space, then try again. Nothing was written.";
  if (code === 'INCOMPLETE') return 'The answer was cut short: run it again, or narrow it.';
  if (status >= 500) return "Something failed on the server: try again, and check the server's log if it persists.";
  return 'Try again.';
}

type UnauthenticatedHandler = (error: ApiError) => void;
let onUnauthenticatedHandler: UnauthenticatedHandler | null = null;

// Called with any 401 outside sign-in: the session ended or was never there.
export function onUnauthenticated(handler: UnauthenticatedHandler | null): void {
  onUnauthenticatedHandler = handler;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
  signal?: AbortSignal;
  // 401 is an answer, not a lost session (sign-in, the first look at /v1/me).
  expectUnauthenticated?: boolean;
  accept?: string;
}

function withQuery(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
  const qs = q.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

async function errorFrom(res: Response, text: string): Promise<ApiError> {
  try {
    const doc = JSON.parse(text) as { error?: { code?: string; message?: string; line?: number; column?: number } };
    if (doc && doc.error && typeof doc.error.message === 'string') {
      return new ApiError(res.status, doc.error.code ?? 'ERROR', doc.error.message, doc.error.line, doc.error.column);
    }
  } catch {
    // not JSON: a proxy's page or plain text
  }
  const snippet = text.trim().slice(0, 300);
  return new ApiError(res.status, 'HTTP_' + res.status, `${res.status} ${res.statusText}${snippet ? `: ${snippet}` : ''}`);
}

// The body of a reply read as text; a reply cut short (an error after rows were streamed) becomes an
// ApiError carrying the error line the server wrote last, when it got through.
async function readText(res: Response): Promise<string> {
  try {
    return await res.text();
  } catch {
    throw new ApiError(res.status, 'INCOMPLETE', 'the server ended the answer early (the query failed after sending rows, or the connection dropped)');
  }
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: opts.accept ?? 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') headers['X-Aurora-CSRF'] = '1';
  let body: BodyInit | undefined = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['Content-Type'] = 'application/json';
  } else if (opts.contentType) {
    headers['Content-Type'] = opts.contentType;
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'UNAVAILABLE', 'cannot reach the server');
  }
  const text = await readText(res);
  if (!res.ok) {
    const err = await errorFrom(res, text);
    if (res.status === 401 && !opts.expectUnauthenticated) onUnauthenticatedHandler?.(err);
    throw err;
  }
  if (res.status === 204 || text === '') return undefined as T;
  if (opts.accept && opts.accept !== 'application/json') return text as unknown as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    // A streamed answer whose last line is the error that ended it.
    const last = text.trimEnd().split('\n').pop() ?? '';
    if (last.startsWith('{"error"')) throw await errorFrom(res, last);
    throw new ApiError(res.status, 'BAD_RESPONSE', `the server's answer to ${method} ${path} is not JSON`);
  }
}

// ---- session and caller ----

export interface Grant {
  privilege: string;
  table: string;
}

export interface Me {
  user: string;
  admin: boolean;
  grants: string[];
  token?: string;
  scopes?: Grant[];
}

export const signIn = (user: string, password: string) =>
  request<{ user: string; expires_ms: number }>('POST', '/v1/session', { json: { user, password }, expectUnauthenticated: true });
export const signOut = () => request<void>('DELETE', '/v1/session', { expectUnauthenticated: true });
export const me = (expectUnauthenticated = false) => request<Me>('GET', '/v1/me', { expectUnauthenticated });

// ---- SQL ----

export interface SqlOptions {
  params?: Record<string, string | number>;
  settings?: Record<string, string | number>;
  signal?: AbortSignal;
}

export function sql(query: string, opts: SqlOptions = {}): Promise<QueryResult | StatementDone> {
  return request('POST', '/v1/sql', {
    json: { query, params: opts.params ?? {}, settings: opts.settings ?? {}, format: 'JSONCompact' },
    signal: opts.signal,
  });
}

// ---- natural-language questions

// POST /v1/ask: the built-in engine's SQL for a question, with its explanation, and (run) its result.
export interface AskAnswer {
  question: string;
  answered: boolean;
  sql: string | null;
  explanation: string;
  confidence: number;
  ms: number;
  suggestions?: string[];
  message?: string;
  result?: QueryResult;
  error?: { code: string; message: string };
}

export function ask(question: string, signal?: AbortSignal): Promise<AskAnswer> {
  return request<AskAnswer>('POST', '/v1/ask', { json: { question, run: true }, signal });
}

// A statement that must answer rows.
export async function query(text: string, opts: SqlOptions = {}): Promise<QueryResult> {
  const r = await sql(text, opts);
  if (!r || !Array.isArray((r as QueryResult).meta)) throw new ApiError(200, 'BAD_RESPONSE', 'the statement answered no rows');
  return r as QueryResult;
}

// ---- tables ----

export interface TableSummary {
  name: string;
  rows: number;
  bytes_on_disk: number;
  parts: number;
}

export interface TableColumn {
  name: string;
  type: string;
  comment?: string;
  default?: string;
}

export interface TableDetail extends TableSummary {
  columns: TableColumn[];
  order_by?: string;
  partition_by?: string;
  ttl?: string;
  buffered_rows?: number;
  uncompressed_bytes?: number;
  compression_ratio?: number;
  wal_bytes?: number;
  ingest_rows_per_second?: number;
  quarantined_rows?: number;
}

export const tables = () => request<{ tables: TableSummary[] }>('GET', '/v1/tables').then((r) => r.tables ?? []);
export const table = (name: string) => request<TableDetail>('GET', `/v1/tables/${encodeURIComponent(name)}`);

// ---- ingestion ----

export interface InferredSchema {
  columns: Array<{ name: string; type: string }>;
  order_by: string;
  partition_by: string;
  rows_sampled: number;
  errors: Array<{ line: number; error: string }>;
}

export interface IngestAnswer {
  table: string;
  rows: number;
  quarantined: number;
  created_table?: boolean;
  added_columns?: string[];
  widened_columns?: string[];
  errors?: Array<{ line: number; error: string }>;
}

const CONTENT_TYPES = { csv: 'text/csv', ndjson: 'application/x-ndjson' } as const;

export const infer = (format: 'csv' | 'ndjson', sample: Blob) =>
  request<Partial<InferredSchema>>('POST', '/v1/infer', { query: { format }, body: sample, contentType: CONTENT_TYPES[format] })
    .then((s): InferredSchema => ({
      columns: s.columns ?? [],
      order_by: s.order_by ?? '',
      partition_by: s.partition_by ?? '',
      rows_sampled: s.rows_sampled ?? 0,
      errors: s.errors ?? [],
    }));

export const ingest = (tableName: string, format: 'csv' | 'ndjson', body: Blob) =>
  request<IngestAnswer>('POST', '/v1/events', { query: { table: tableName, format }, body, contentType: CONTENT_TYPES[format] });

// ---- sources ----

export interface SourcePartition {
  partition: number;
  offset: number;
  high_watermark: number;
  lag: number;
  messages: number;
}

export interface Source {
  name: string;
  type: string;
  table: string;
  topic: string;
  group: string;
  state: string;
  paused: boolean;
  settings: Record<string, string>;
  messages: number;
  rows: number;
  quarantined: number;
  messages_per_second: number;
  lag: number;
  last_error: string;
  last_error_ms: number;
  created_ms: number;
  partitions: SourcePartition[];
}

export interface SourceRequest {
  name: string;
  table: string;
  type?: 'kafka';
  settings: Record<string, string>;
  if_not_exists?: boolean;
}

export const sources = () => request<{ sources: Source[] }>('GET', '/v1/sources').then((r) => r.sources ?? []);
export const validateSource = (body: SourceRequest) =>
  request<{ valid: boolean }>('POST', '/v1/sources', { query: { validate: 'true' }, json: body });
export const createSource = (body: SourceRequest) => request<Source>('POST', '/v1/sources', { json: body });
export const sourceAction = (name: string, action: 'pause' | 'resume') =>
  request<Source>('POST', `/v1/sources/${encodeURIComponent(name)}/${action}`);
export const dropSource = (name: string) => request<unknown>('DELETE', `/v1/sources/${encodeURIComponent(name)}`);

// ---- access control ----

export interface User {
  name: string;
  roles: string[];
  created_at_ms: number;
}

export interface Role {
  name: string;
  built_in: boolean;
  grants: string[];
}

export interface Token {
  name: string;
  owner: string;
  scopes: Grant[];
  created_at_ms: number;
  expires_at_ms: number | null;
}

export interface NewToken {
  name: string;
  token: string;
  expires_at_ms: number | null;
}

export interface GrantChange {
  to: string;
  grants?: Grant[];
  roles?: string[];
}

export const users = () => request<{ users: User[] }>('GET', '/v1/users').then((r) => r.users ?? []);
export const createUser = (name: string, password: string, roles: string[]) =>
  request<unknown>('POST', '/v1/users', { json: { name, password, roles } });
export const setPassword = (name: string, password: string) =>
  request<unknown>('PATCH', `/v1/users/${encodeURIComponent(name)}`, { json: { password } });
export const dropUser = (name: string) => request<unknown>('DELETE', `/v1/users/${encodeURIComponent(name)}`);
export const roles = () => request<{ roles: Role[] }>('GET', '/v1/roles').then((r) => r.roles ?? []);
export const createRole = (name: string) => request<unknown>('POST', '/v1/roles', { json: { name } });
export const dropRole = (name: string) => request<unknown>('DELETE', `/v1/roles/${encodeURIComponent(name)}`);
export const grant = (change: GrantChange) => request<{ name: string; grants: string[] }>('POST', '/v1/grants', { json: change });
export const revoke = (change: GrantChange) => request<{ name: string; grants: string[] }>('DELETE', '/v1/grants', { json: change });
export const tokens = () => request<{ tokens: Token[] }>('GET', '/v1/tokens').then((r) => r.tokens ?? []);
export const createToken = (body: { name: string; owner?: string; scopes: Grant[]; expires_in_seconds?: number }) =>
  request<NewToken>('POST', '/v1/tokens', { json: body });
export const revokeToken = (name: string) => request<unknown>('DELETE', `/v1/tokens/${encodeURIComponent(name)}`);

// ---- dashboards ----

export type DashboardSpec = Spec;
export type PanelSpec = SpecPanel;

export interface DashboardSummary {
  id: string;
  name: string;
  panels: number;
  updated_ms: number;
  updated_by: string;
}

export interface Dashboard {
  id: string;
  name: string;
  spec: DashboardSpec;
  created_ms: number;
  updated_ms: number;
  updated_by: string;
}

const dashboardPath = (id: string) => `/v1/dashboards/${encodeURIComponent(id)}`;

// Dashboard ids are opaque to the app (the server may send numbers); it keeps them as text.
function withTextId<T extends { id: string }>(d: T): T {
  return d && typeof d === 'object' ? { ...d, id: String(d.id) } : d;
}

export const dashboards = () =>
  request<{ dashboards: DashboardSummary[] }>('GET', '/v1/dashboards').then((r) => (r.dashboards ?? []).map(withTextId));
export const dashboard = (id: string) => request<Dashboard>('GET', dashboardPath(id)).then(withTextId);
export const createDashboard = (name: string, spec: DashboardSpec) =>
  request<Dashboard>('POST', '/v1/dashboards', { json: { name, spec } }).then(withTextId);
export const updateDashboard = (id: string, change: { name?: string; spec?: DashboardSpec }) =>
  request<Dashboard>('PUT', dashboardPath(id), { json: change }).then(withTextId);
export const duplicateDashboard = (id: string, name: string) =>
  request<Dashboard>('POST', `${dashboardPath(id)}/duplicate`, { json: { name } }).then(withTextId);
export const deleteDashboard = (id: string) => request<void>('DELETE', dashboardPath(id));

// ---- monitoring ----

export const metricsText = () => request<string>('GET', '/metrics', { accept: 'text/plain' });
