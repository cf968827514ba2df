// The live stream of a dashboard: GET /v1/dashboards/ID/live as server-sent events. The server pushes
// every panel's result when the stream opens and again whenever a table the panel reads changes, so the
// app never polls panels; it opens a new stream when the dashboard, its range or its variables change.
//
// EventSource reconnects by itself after a dropped connection; when the server refuses the stream (an
// HTTP error, e.g. after the session ended) the browser gives up, and this module retries with backoff and
// tells the caller, which can check the session.
import type { QueryResult } from './result';
import type { TimeRange } from './time_range';

export interface PanelError {
  code: string;
  message: string;
  line?: number;
  column?: number;
}

export interface PanelEvent {
  panel: string;
  at_ms: number;
  result?: QueryResult;
  error?: PanelError;
}

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

// The part of EventSource this module uses, so tests can pass a fake.
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((ev: Event) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void;
  close(): void;
}

export interface LiveHandlers {
  onPanel(event: PanelEvent): void;
  onState(state: LiveState): void;
  // The server refused the stream (the browser will not retry by itself); a retry is scheduled.
  onRefused?(): void;
  // An event that could not be read.
  onBadEvent?(problem: string): void;
}

export interface LiveOptions {
  factory?: (url: string) => EventSourceLike;
  retryDelaysMs?: number[];
  schedule?: (fn: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
}

const CLOSED = 2;
const DEFAULT_RETRY_MS = [1000, 2000, 5000, 10000, 30000];

// The stream's address for a dashboard, a range and variable values (var_NAME=value).
export function liveUrl(dashboardId: string, range: TimeRange, variables: Record<string, string>): string {
  const q = new URLSearchParams();
  q.set('from', range.from);
  q.set('to', range.to);
  for (const [name, value] of Object.entries(variables)) q.set(`var_${name}`, value);
  return `/v1/dashboards/${encodeURIComponent(dashboardId)}/live?${q.toString()}`;
}

// One `panel` event's data; throws an Error saying what is wrong with it.
export function parsePanelEvent(data: string): PanelEvent {
  let doc: unknown;
  try {
    doc = JSON.parse(data);
  } catch {
    throw new Error('a panel event is not JSON');
  }
  const e = doc as Partial<PanelEvent>;
  if (typeof e !== 'object' || e === null || typeof e.panel !== 'string')
    throw new Error('a panel event has no "panel"');
  if (e.result === undefined && e.error === undefined)
    throw new Error(`the event of panel ${e.panel} has neither "result" nor "error"`);
  if (e.result !== undefined && (!Array.isArray(e.result.meta) || !Array.isArray(e.result.data)))
    throw new Error(`the result of panel ${e.panel} has no meta and data`);
  return { panel: e.panel, at_ms: typeof e.at_ms === 'number' ? e.at_ms : Date.now(), result: e.result, error: e.error };
}

// Opens the stream; the returned function closes it for good.
export function openLive(url: string, handlers: LiveHandlers, options: LiveOptions = {}): () => void {
  const factory = options.factory ?? ((u: string) => new EventSource(u) as unknown as EventSourceLike);
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_MS;
  const schedule = options.schedule ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const cancel = options.cancel ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let source: EventSourceLike | null = null;
  let timer: unknown = null;
  let attempt = 0;
  let stopped = false;

  const connect = () => {
    timer = null;
    if (stopped) return;
    handlers.onState(attempt === 0 ? 'connecting' : 'reconnecting');
    const s = factory(url);
    source = s;
    s.onopen = () => {
      if (source !== s) return;
      attempt = 0;
      handlers.onState('live');
    };
    s.onerror = () => {
      if (source !== s || stopped) return;
      if (s.readyState === CLOSED) {
        s.close();
        source = null;
        const delay = delays[Math.min(attempt, delays.length - 1)];
        attempt++;
        handlers.onState('reconnecting');
        handlers.onRefused?.();
        timer = schedule(connect, delay);
      } else {
        handlers.onState('reconnecting'); // the browser retries by itself
      }
    };
    s.addEventListener('panel', (ev: MessageEvent) => {
      if (source !== s) return;
      try {
        handlers.onPanel(parsePanelEvent(String(ev.data)));
      } catch (e) {
        handlers.onBadEvent?.(e instanceof Error ? e.message : String(e));
      }
    });
  };

  connect();
  return () => {
    stopped = true;
    if (timer !== null) cancel(timer);
    source?.close();
    source = null;
    handlers.onState('stopped');
  };
}
