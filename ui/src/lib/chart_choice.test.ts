import { describe, expect, it } from 'vitest';
import { MAX_SERIES, chartData, chartMapping, chartsFor, chooseChart } from './chart_choice';
import type { ColumnMeta } from './result';

const col = (name: string, type: string): ColumnMeta => ({ name, type });

describe('chooseChart', () => {
  it('picks a line for a time column with numbers', () => {
    expect(chooseChart([col('t', 'DateTime'), col('n', 'UInt64')], 60)).toBe('line');
    expect(chooseChart([col('d', 'Date'), col('revenue', 'Float64')], 7)).toBe('line');
    expect(chooseChart([col('t', "DateTime64(3, 'UTC')"), col('region', 'LowCardinality(String)'),
      col('n', 'UInt64')], 100)).toBe('line');
    expect(chooseChart([col('t', 'Nullable(DateTime)'), col('n', 'Nullable(Int64)')], 3)).toBe('line');
  });

  it('picks bars for one category with numbers', () => {
    expect(chooseChart([col('region', 'LowCardinality(String)'), col('n', 'UInt64')], 9)).toBe('bar');
    expect(chooseChart([col('brand', 'String'), col('n', 'UInt64'), col('revenue', 'Float64')], 30)).toBe('bar');
  });

  it('picks a stat for one row of one number', () => {
    expect(chooseChart([col('count()', 'UInt64')], 1)).toBe('stat');
    expect(chooseChart([col('avg', 'Nullable(Float64)')], 1)).toBe('stat');
  });

  it('falls back to a table for other shapes', () => {
    expect(chooseChart([col('n', 'UInt64')], 5)).toBe('table'); // several rows of one number
    expect(chooseChart([col('n', 'UInt64')], 0)).toBe('table');
    expect(chooseChart([col('a', 'UInt64'), col('b', 'UInt64')], 1)).toBe('table');
    expect(chooseChart([col('s', 'String')], 1)).toBe('table'); // one text value is not a number
    expect(chooseChart([col('region', 'String'), col('device', 'String'), col('n', 'UInt64')], 9)).toBe('table');
    expect(chooseChart([col('t', 'DateTime'), col('s', 'String')], 9)).toBe('table'); // nothing to plot
    expect(chooseChart([], 0)).toBe('table');
  });
});

describe('chartMapping and chartsFor', () => {
  it('maps a time axis with a category into one series per category', () => {
    const meta = [col('t', 'DateTime'), col('region', 'String'), col('n', 'UInt64')];
    expect(chartMapping(meta, 'line')).toEqual({ x: 0, y: [2], series: 1 });
    expect(chartMapping(meta, 'bar')).toEqual({ x: 1, y: [2], series: null });
  });

  it('offers only the charts a shape can make', () => {
    expect(chartsFor([col('region', 'String'), col('n', 'UInt64')])).toEqual(['line', 'bar', 'area', 'pie', 'stat', 'table']);
    expect(chartsFor([col('n', 'UInt64')])).toEqual(['stat', 'table']);
    expect(chartsFor([col('s', 'String')])).toEqual(['table']);
    expect(chartMapping([col('s', 'String')], 'pie')).toBeNull();
  });
});

describe('chartData', () => {
  it('builds time series sorted by time, with numbers from 64-bit strings', () => {
    const data = chartData({
      meta: [col('t', 'DateTime'), col('n', 'UInt64')],
      data: [['2024-01-01 00:01:00', '5'], ['2024-01-01 00:00:00', '3']],
    }, 'line');
    expect(data).toEqual({
      kind: 'xy', chart: 'line', axis: 'time', categories: [], truncated: false,
      series: [{ name: 'n', points: [[Date.UTC(2024, 0, 1, 0, 0), 3], [Date.UTC(2024, 0, 1, 0, 1), 5]] }],
    });
  });

  it('splits by category and caps the number of series', () => {
    const rows = Array.from({ length: MAX_SERIES + 5 }, (_, i) => ['2024-01-01 00:00:00', `r${i}`, i]);
    const data = chartData({ meta: [col('t', 'DateTime'), col('r', 'String'), col('n', 'Int32')], data: rows }, 'area');
    expect(data.kind).toBe('xy');
    if (data.kind !== 'xy') return;
    expect(data.series).toHaveLength(MAX_SERIES);
    expect(data.series[3]).toEqual({ name: 'r3', points: [[Date.UTC(2024, 0, 1), 3]] });
    expect(data.truncated).toBe(true);
  });

  it('builds bars on a category axis, NULL as a gap', () => {
    const data = chartData({
      meta: [col('region', 'String'), col('n', 'Nullable(UInt64)')],
      data: [['us-east', '10'], ['eu-west', null]],
    }, 'bar');
    expect(data).toMatchObject({ kind: 'xy', axis: 'category', categories: ['us-east', 'eu-west'],
      series: [{ name: 'n', points: [['us-east', 10], ['eu-west', null]] }] });
  });

  it('gives a stat the first row first number, and says why a shape cannot be drawn', () => {
    expect(chartData({ meta: [col('n', 'UInt64')], data: [['42']] }, 'stat')).toEqual({ kind: 'stat', value: '42', column: 'n' });
    expect(chartData({ meta: [col('n', 'UInt64')], data: [] }, 'stat')).toEqual({ kind: 'stat', value: null, column: 'n' });
    const pie = chartData({ meta: [col('s', 'String')], data: [['a']] }, 'pie');
    expect(pie.kind).toBe('unavailable');
    expect(pie.kind === 'unavailable' && pie.reason).toMatch(/text column and a numeric column/);
  });

  it('builds pie slices', () => {
    expect(chartData({ meta: [col('d', 'String'), col('n', 'UInt64')], data: [['mobile', '55'], ['desktop', '35']] }, 'pie'))
      .toEqual({ kind: 'pie', truncated: false, slices: [{ name: 'mobile', value: 55 }, { name: 'desktop', value: 35 }] });
  });
});
