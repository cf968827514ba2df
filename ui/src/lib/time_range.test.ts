import { describe, expect, it } from 'vitest';
import {
  PRESETS,
  TimeRangeError,
  describeRange,
  formatAbsolute,
  formatTimePoint,
  parseTimePoint,
  presetOf,
  rangeError,
  resolveRange,
  resolveTime,
} from './time_range';

const NOW = Date.UTC(2024, 2, 10, 12, 30, 15); // 2024-03-10 12:30:15 UTC

describe('parseTimePoint', () => {
  it('reads now, relative and absolute points', () => {
    expect(parseTimePoint('now')).toEqual({ kind: 'now' });
    expect(parseTimePoint(' now-15m ')).toEqual({ kind: 'relative', amount: 15, unit: 'm' });
    expect(parseTimePoint('now-7d')).toEqual({ kind: 'relative', amount: 7, unit: 'd' });
    expect(parseTimePoint('2024-02-29 23:59:59')).toEqual({
      kind: 'absolute',
      ms: Date.UTC(2024, 1, 29, 23, 59, 59),
    });
  });

  it('round-trips through formatTimePoint', () => {
    for (const text of ['now', 'now-5s', 'now-24h', 'now-2w', '2023-12-31 00:00:00']) {
      expect(formatTimePoint(parseTimePoint(text))).toBe(text);
    }
  });

  it('rejects what the grammar does not allow, saying what is accepted', () => {
    const bad = ['', 'yesterday', 'now-', 'now-5', 'now-5y', 'now+5m', 'now-1.5h', 'NOW', '2024-01-01',
      '2024-01-01T00:00:00', '2024-1-01 00:00:00'];
    for (const text of bad) {
      expect(() => parseTimePoint(text), text).toThrow(TimeRangeError);
    }
    expect(() => parseTimePoint('soon')).toThrow(/now-<N><s\|m\|h\|d\|w>/);
  });

  it('checks calendar fields of absolute times', () => {
    expect(() => parseTimePoint('2023-02-29 00:00:00')).toThrow(/day 29/);
    expect(() => parseTimePoint('2024-13-01 00:00:00')).toThrow(/month 13/);
    expect(() => parseTimePoint('2024-04-31 00:00:00')).toThrow(/day 31/);
    expect(() => parseTimePoint('2024-01-01 24:00:00')).toThrow(/time of day/);
    expect(() => parseTimePoint('2024-01-01 10:60:00')).toThrow(/time of day/);
    expect(() => parseTimePoint('now-0m')).toThrow(/at least 1/);
  });
});

describe('resolving against a given now', () => {
  it('subtracts each unit', () => {
    expect(resolveTime('now', NOW)).toBe(NOW);
    expect(resolveTime('now-30s', NOW)).toBe(NOW - 30_000);
    expect(resolveTime('now-5m', NOW)).toBe(NOW - 300_000);
    expect(resolveTime('now-6h', NOW)).toBe(NOW - 6 * 3_600_000);
    expect(resolveTime('now-2d', NOW)).toBe(NOW - 2 * 86_400_000);
    expect(resolveTime('now-1w', NOW)).toBe(NOW - 7 * 86_400_000);
  });

  it('ignores now for absolute times', () => {
    expect(resolveTime('2024-01-01 00:00:00', NOW)).toBe(Date.UTC(2024, 0, 1));
    expect(resolveTime('2024-01-01 00:00:00', 0)).toBe(Date.UTC(2024, 0, 1));
  });

  it('resolves a whole range and refuses one that ends before it starts', () => {
    expect(resolveRange({ from: 'now-1h', to: 'now' }, NOW)).toEqual({ fromMs: NOW - 3_600_000, toMs: NOW });
    expect(() => resolveRange({ from: 'now', to: 'now-1h' }, NOW)).toThrow(/start before it ends/);
    expect(() => resolveRange({ from: 'now', to: 'now' }, NOW)).toThrow(TimeRangeError);
    expect(rangeError({ from: '2024-03-10 12:00:00', to: 'now' }, NOW)).toBeNull();
    expect(rangeError({ from: '2024-03-10 13:00:00', to: 'now' }, NOW)).toMatch(/start before/);
    expect(rangeError({ from: 'then', to: 'now' }, NOW)).toMatch(/'then' is not a time/);
  });

  it('formats instants as UTC in the absolute grammar', () => {
    expect(formatAbsolute(NOW)).toBe('2024-03-10 12:30:15');
    expect(formatAbsolute(Date.UTC(1999, 11, 31, 23, 59, 59))).toBe('1999-12-31 23:59:59');
    expect(resolveTime(formatAbsolute(NOW - 3_600_000), NOW)).toBe(NOW - 3_600_000);
  });
});

describe('presets', () => {
  it('are the six ranges ending now, from 5 minutes to 7 days, in order', () => {
    expect(PRESETS.map((p) => p.from)).toEqual(['now-5m', 'now-15m', 'now-1h', 'now-6h', 'now-24h', 'now-7d']);
    const spans = PRESETS.map((p) => {
      const r = resolveRange(p, NOW);
      return r.toMs - r.fromMs;
    });
    expect(spans).toEqual([300_000, 900_000, 3_600_000, 21_600_000, 86_400_000, 604_800_000]);
  });

  it('are recognised from a range, and described', () => {
    expect(presetOf({ from: 'now-15m', to: 'now' })?.label).toBe('Last 15 minutes');
    expect(presetOf({ from: 'now-15m', to: 'now-1m' })).toBeUndefined();
    expect(describeRange({ from: 'now-24h', to: 'now' })).toBe('Last 24 hours');
    expect(describeRange({ from: 'now-90m', to: 'now' })).toBe('Last 90 minutes');
    expect(describeRange({ from: 'now-1d', to: 'now' })).toBe('Last 1 day');
    expect(describeRange({ from: '2024-01-01 00:00:00', to: 'now-1h' })).toBe('2024-01-01 00:00:00 to now-1h');
  });
});
