// Which chart fits a query result, which columns it draws, and the chart's data: pure functions of the
// result's shape (column types, row count) shared by Explore and dashboard panels.
//
//   a time column (Date / DateTime) and numbers      -> line (one series per number, or per category)
//   one category (a string) and numbers              -> bar
//   one row of one number                            -> stat
//   anything else                                    -> table
import {
  Cell,
  ColumnMeta,
  QueryResult,
  cellNumber,
  cellText,
  cellTime,
  isNumericType,
  isStringType,
  isTimeType,
} from './result';

export type ChartType = 'line' | 'bar' | 'area' | 'pie' | 'stat' | 'table';

export const CHART_TYPES: readonly ChartType[] = ['line', 'bar', 'area', 'pie', 'stat', 'table'];

export const CHART_LABELS: Record<ChartType, string> = {
  line: 'Line',
  bar: 'Bar',
  area: 'Area',
  pie: 'Pie',
  stat: 'Number',
  table: 'Table',
};

// Column indexes a chart draws: x (time or category), the numeric columns, and the column whose values
// split the numbers into series (a category beside a time axis).
export interface ChartMapping {
  x: number | null;
  y: number[];
  series: number | null;
}

// At most this many series (in the order first met) and pie slices are drawn; the table shows the rest.
export const MAX_SERIES = 20;

function indexes(meta: ColumnMeta[], test: (type: string) => boolean, except: number[] = []): number[] {
  const out: number[] = [];
  meta.forEach((c, i) => {
    if (test(c.type) && !except.includes(i)) out.push(i);
  });
  return out;
}

// The chart picked for a result of this shape.
export function chooseChart(meta: ColumnMeta[], rowCount: number): ChartType {
  const numeric = indexes(meta, isNumericType);
  if (rowCount === 1 && meta.length === 1 && numeric.length === 1) return 'stat';
  const time = indexes(meta, isTimeType);
  if (time.length > 0 && indexes(meta, isNumericType, time).length > 0) return 'line';
  const strings = indexes(meta, isStringType);
  if (strings.length === 1 && numeric.length > 0 && strings.length + numeric.length === meta.length) return 'bar';
  return 'table';
}

// The columns `chart` draws from a result of this shape, or null when the shape cannot make that chart.
export function chartMapping(meta: ColumnMeta[], chart: ChartType): ChartMapping | null {
  const time = indexes(meta, isTimeType);
  const strings = indexes(meta, isStringType);
  switch (chart) {
    case 'line':
    case 'area':
    case 'bar': {
      const x = chart === 'bar'
        ? (strings[0] ?? time[0] ?? null)
        : (time[0] ?? strings[0] ?? null);
      if (x === null) return null;
      const y = indexes(meta, isNumericType, [x]);
      if (y.length === 0) return null;
      // A category beside a time axis and a single number: one series per category value.
      const series = isTimeType(meta[x].type) && y.length === 1
        ? (strings.find((i) => i !== x) ?? null)
        : null;
      return { x, y, series };
    }
    case 'pie': {
      const x = strings[0] ?? time[0] ?? null;
      const y = indexes(meta, isNumericType, x === null ? [] : [x]);
      if (x === null || y.length === 0) return null;
      return { x, y: [y[0]], series: null };
    }
    case 'stat': {
      const y = indexes(meta, isNumericType);
      if (y.length === 0) return null;
      return { x: null, y: [y[0]], series: null };
    }
    case 'table':
      return { x: null, y: [], series: null };
  }
}

// The charts a result of this shape can be shown as, for the chart switcher.
export function chartsFor(meta: ColumnMeta[]): ChartType[] {
  return CHART_TYPES.filter((c) => chartMapping(meta, c) !== null);
}

export interface XYSeries {
  name: string;
  // [x, y]: x is milliseconds on a time axis, the category text on a category axis.
  points: Array<[number | string, number | null]>;
}

export type ChartData =
  | { kind: 'xy'; chart: 'line' | 'area' | 'bar'; axis: 'time' | 'category'; categories: string[]; series: XYSeries[]; truncated: boolean }
  | { kind: 'pie'; slices: Array<{ name: string; value: number }>; truncated: boolean }
  | { kind: 'stat'; value: Cell; column: string }
  | { kind: 'table' }
  | { kind: 'unavailable'; reason: string };

function yValue(v: Cell): number | null {
  const n = cellNumber(v);
  return Number.isFinite(n) ? n : null;
}

// What the chart draws from `result`: series for line, area and bar, slices for pie, the value for stat.
export function chartData(result: Pick<QueryResult, 'meta' | 'data'>, chart: ChartType): ChartData {
  const { meta, data } = result;
  const mapping = chartMapping(meta, chart);
  if (!mapping) {
    return { kind: 'unavailable', reason: unavailableReason(chart) };
  }
  if (chart === 'table') return { kind: 'table' };
  if (chart === 'stat') {
    const column = mapping.y[0];
    if (data.length === 0) return { kind: 'stat', value: null, column: meta[column].name };
    return { kind: 'stat', value: data[0][column], column: meta[column].name };
  }
  const x = mapping.x as number;
  if (chart === 'pie') {
    const y = mapping.y[0];
    const slices = data.map((row) => ({ name: cellText(row[x]), value: yValue(row[y]) ?? 0 }));
    return { kind: 'pie', slices: slices.slice(0, MAX_SERIES), truncated: slices.length > MAX_SERIES };
  }
  const axis = isTimeType(meta[x].type) ? 'time' : 'category';
  const xOf = (v: Cell): number | string => (axis === 'time' ? cellTime(v) : cellText(v));
  let series: XYSeries[];
  let truncated = false;
  if (mapping.series !== null) {
    const by = new Map<string, XYSeries>();
    const y = mapping.y[0];
    for (const row of data) {
      const name = cellText(row[mapping.series]);
      let s = by.get(name);
      if (!s) {
        if (by.size >= MAX_SERIES) {
          truncated = true;
          continue;
        }
        s = { name, points: [] };
        by.set(name, s);
      }
      s.points.push([xOf(row[x]), yValue(row[y])]);
    }
    series = [...by.values()];
  } else {
    const ys = mapping.y.slice(0, MAX_SERIES);
    truncated = mapping.y.length > MAX_SERIES;
    series = ys.map((y) => ({ name: meta[y].name, points: data.map((row) => [xOf(row[x]), yValue(row[y])]) }));
  }
  if (axis === 'time') {
    for (const s of series) s.points.sort((a, b) => (a[0] as number) - (b[0] as number));
  }
  const categories = axis === 'category' ? [...new Set(data.map((row) => cellText(row[x])))] : [];
  return { kind: 'xy', chart, axis, categories, series, truncated };
}

function unavailableReason(chart: ChartType): string {
  switch (chart) {
    case 'line':
    case 'area':
      return 'A line or area chart needs a time or text column and a numeric column.';
    case 'bar':
      return 'A bar chart needs a text or time column and a numeric column.';
    case 'pie':
      return 'A pie chart needs a text column and a numeric column.';
    case 'stat':
      return 'A number needs a numeric column.';
    case 'table':
      return '';
  }
}
