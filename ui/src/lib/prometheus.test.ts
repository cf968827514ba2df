import { describe, expect, it } from 'vitest';
import {
  bucketsDelta,
  byLabel,
  counterRate,
  growthRate,
  histogramBuckets,
  histogramQuantile,
  metricSum,
  metricValue,
  parsePrometheus,
} from './prometheus';

const TEXT = `# HELP aurora_queries_total Statements run, by outcome.
# TYPE aurora_queries_total counter
aurora_queries_total{status="ok"} 10
aurora_queries_total{status="error"} 2
aurora_query_duration_seconds_bucket{le="0.01"} 50
aurora_query_duration_seconds_bucket{le="0.1"} 90
aurora_query_duration_seconds_bucket{le="1"} 100
aurora_query_duration_seconds_bucket{le="+Inf"} 100
aurora_query_duration_seconds_sum 3.5
aurora_query_duration_seconds_count 100
aurora_ingested_rows_total{table="events"} 1000
aurora_ingested_rows_total{table="we\\"ird"} 5
aurora_source_lag{source="shop",table="orders"} 42
aurora_memory_resident_bytes 1.5e+08
`;

describe('parsePrometheus', () => {
  const samples = parsePrometheus(TEXT);

  it('reads names, labels (with escapes) and values, skipping comments', () => {
    expect(samples).toHaveLength(12);
    expect(metricValue(samples, 'aurora_queries_total', { status: 'error' })).toBe(2);
    expect(metricValue(samples, 'aurora_memory_resident_bytes')).toBe(150_000_000);
    expect(metricValue(samples, 'aurora_source_lag', { source: 'shop' })).toBe(42);
    expect(samples.find((s) => s.labels.table === 'we"ird')?.value).toBe(5);
    expect(metricValue(samples, 'missing')).toBeUndefined();
  });

  it('sums and groups by label', () => {
    expect(metricSum(samples, 'aurora_queries_total')).toBe(12);
    expect([...byLabel(samples, 'aurora_ingested_rows_total', 'table')]).toEqual([['events', 1000], ['we"ird', 5]]);
  });
});

describe('rates and quantiles', () => {
  it('computes a counter rate and survives a restart', () => {
    expect(counterRate(100, 160, 6)).toBe(10);
    expect(counterRate(100, 30, 3)).toBe(10);
    expect(counterRate(undefined, 30, 3)).toBeUndefined();
    expect(counterRate(1, 2, 0)).toBeUndefined();
  });

  it('computes the growth of a gauge, a fall being none', () => {
    expect(growthRate(100, 150, 5)).toBe(10);
    expect(growthRate(150, 100, 5)).toBe(0);
    expect(growthRate(undefined, 100, 5)).toBeUndefined();
  });

  it('interpolates quantiles inside buckets, as histogram_quantile', () => {
    const buckets = histogramBuckets(parsePrometheus(TEXT), 'aurora_query_duration_seconds');
    expect(buckets.map((b) => b.le)).toEqual([0.01, 0.1, 1, Infinity]);
    expect(histogramQuantile(buckets, 0.5)).toBeCloseTo(0.01);
    expect(histogramQuantile(buckets, 0.7)).toBeCloseTo(0.01 + 0.09 * (20 / 40));
    expect(histogramQuantile(buckets, 0.95)).toBeCloseTo(0.1 + 0.9 * 0.5);
    expect(histogramQuantile([{ le: 1, count: 0 }, { le: Infinity, count: 0 }], 0.5)).toBeUndefined();
    expect(histogramQuantile([{ le: 1, count: 0 }, { le: Infinity, count: 4 }], 0.99)).toBe(1);
  });

  it('takes the difference of two scrapes, or the whole histogram after a restart', () => {
    const before = [{ le: 0.1, count: 10 }, { le: Infinity, count: 12 }];
    const after = [{ le: 0.1, count: 30 }, { le: Infinity, count: 40 }];
    expect(bucketsDelta(before, after)).toEqual([{ le: 0.1, count: 20 }, { le: Infinity, count: 28 }]);
    expect(bucketsDelta(after, before)).toEqual(before);
  });
});
