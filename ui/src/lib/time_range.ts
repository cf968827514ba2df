// Time ranges of dashboards: the grammar the server also reads, its presets, and resolution to instants.
//
//   "now"                    the moment of resolution
//   "now-<N><s|m|h|d|w>"     N seconds, minutes, hours, days or weeks before it
//   "YYYY-MM-DD hh:mm:ss"    an absolute instant, UTC
//
// Everything here is pure: resolution takes "now" as an argument, so tests and callers decide the clock.

export type TimeUnit = 's' | 'm' | 'h' | 'd' | 'w';

export type TimePoint =
  | { kind: 'now' }
  | { kind: 'relative'; amount: number; unit: TimeUnit }
  | { kind: 'absolute'; ms: number };

export interface TimeRange {
  from: string;
  to: string;
}

export interface Preset {
  label: string;
  from: string;
  to: string;
}

export const UNIT_MS: Record<TimeUnit, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export const PRESETS: readonly Preset[] = [
  { label: 'Last 5 minutes', from: 'now-5m', to: 'now' },
  { label: 'Last 15 minutes', from: 'now-15m', to: 'now' },
  { label: 'Last 1 hour', from: 'now-1h', to: 'now' },
  { label: 'Last 6 hours', from: 'now-6h', to: 'now' },
  { label: 'Last 24 hours', from: 'now-24h', to: 'now' },
  { label: 'Last 7 days', from: 'now-7d', to: 'now' },
];

export const DEFAULT_RANGE: TimeRange = { from: 'now-1h', to: 'now' };

export class TimeRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeRangeError';
  }
}

const RELATIVE = /^now-(\d{1,9})([smhdw])$/;
const ABSOLUTE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// Reads one end of a range. Throws TimeRangeError saying what is accepted.
export function parseTimePoint(text: string): TimePoint {
  const t = text.trim();
  if (t === 'now') return { kind: 'now' };
  const rel = RELATIVE.exec(t);
  if (rel) {
    const amount = Number(rel[1]);
    if (amount <= 0) throw new TimeRangeError(`'${text}': the amount after now- must be at least 1`);
    return { kind: 'relative', amount, unit: rel[2] as TimeUnit };
  }
  const abs = ABSOLUTE.exec(t);
  if (abs) {
    const [year, month, day, hour, minute, second] = abs.slice(1).map(Number);
    if (month < 1 || month > 12) throw new TimeRangeError(`'${text}': month ${month} is not 1 to 12`);
    if (day < 1 || day > daysInMonth(year, month))
      throw new TimeRangeError(`'${text}': day ${day} is not in ${abs[1]}-${abs[2]}`);
    if (hour > 23 || minute > 59 || second > 59)
      throw new TimeRangeError(`'${text}': the time of day must be 00:00:00 to 23:59:59`);
    return { kind: 'absolute', ms: Date.UTC(year, month - 1, day, hour, minute, second) };
  }
  throw new TimeRangeError(
    `'${text}' is not a time: write now, now-<N><s|m|h|d|w> (e.g. now-15m) or YYYY-MM-DD hh:mm:ss (UTC)`,
  );
}

// The text of a point (the inverse of parseTimePoint).
export function formatTimePoint(p: TimePoint): string {
  switch (p.kind) {
    case 'now':
      return 'now';
    case 'relative':
      return `now-${p.amount}${p.unit}`;
    case 'absolute':
      return formatAbsolute(p.ms);
  }
}

export function resolvePoint(p: TimePoint, nowMs: number): number {
  switch (p.kind) {
    case 'now':
      return nowMs;
    case 'relative':
      return nowMs - p.amount * UNIT_MS[p.unit];
    case 'absolute':
      return p.ms;
  }
}

// Milliseconds since 1970 of `text` at `nowMs`.
export function resolveTime(text: string, nowMs: number): number {
  return resolvePoint(parseTimePoint(text), nowMs);
}

// Both ends as instants; throws when either does not parse or `from` is not before `to`.
export function resolveRange(range: TimeRange, nowMs: number): { fromMs: number; toMs: number } {
  const fromMs = resolveTime(range.from, nowMs);
  const toMs = resolveTime(range.to, nowMs);
  if (fromMs >= toMs)
    throw new TimeRangeError(`the range must start before it ends ('${range.from}' is not before '${range.to}')`);
  return { fromMs, toMs };
}

// A range's problem in words, or null when it is valid.
export function rangeError(range: TimeRange, nowMs: number): string | null {
  try {
    resolveRange(range, nowMs);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

// "YYYY-MM-DD hh:mm:ss" in UTC, the absolute form of the grammar and of DateTime parameters.
export function formatAbsolute(ms: number): string {
  const d = new Date(ms);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

// The preset a range is, if any.
export function presetOf(range: TimeRange): Preset | undefined {
  const from = range.from.trim();
  const to = range.to.trim();
  return PRESETS.find((p) => p.from === from && p.to === to);
}

const UNIT_WORDS: Record<TimeUnit, [string, string]> = {
  s: ['second', 'seconds'],
  m: ['minute', 'minutes'],
  h: ['hour', 'hours'],
  d: ['day', 'days'],
  w: ['week', 'weeks'],
};

// A short description for buttons and headings: "Last 1 hour", "Last 90 minutes",
// "2024-01-01 00:00:00 to now".
export function describeRange(range: TimeRange): string {
  const preset = presetOf(range);
  if (preset) return preset.label;
  try {
    const from = parseTimePoint(range.from);
    const to = parseTimePoint(range.to);
    if (from.kind === 'relative' && to.kind === 'now') {
      const [one, many] = UNIT_WORDS[from.unit];
      return `Last ${from.amount} ${from.amount === 1 ? one : many}`;
    }
    return `${formatTimePoint(from)} to ${formatTimePoint(to)}`;
  } catch {
    return `${range.from} to ${range.to}`;
  }
}
