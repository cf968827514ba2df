// A result shown as the chart its shape calls for (or the one picked), with its table: the shared view of
// Explore and of dashboard panels.
import { useMemo } from 'preact/hooks';
import { ChartType, chartData } from '../lib/chart_choice';
import { Cell, QueryResult } from '../lib/result';
import { formatNumber } from '../lib/format';
import { Chart } from './Chart';
import { ResultTable } from './ResultTable';

export function StatValue({ value, label }: { value: Cell; label: string }) {
  const text = typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value))
    ? formatNumber(value as number | string)
    : value === null
      ? '–'
      : String(value);
  return (
    <div class="stat">
      <span class="stat-value" data-testid="stat-value">{text}</span>
      <span class="stat-label">{label}</span>
    </div>
  );
}

// The chart part: nothing for a table, a note when the shape cannot make the chart.
export function ResultChart({ result, chart, compact }: { result: QueryResult; chart: ChartType; compact?: boolean }) {
  const data = useMemo(() => chartData(result, chart), [result, chart]);
  switch (data.kind) {
    case 'table':
      return null;
    case 'unavailable':
      return <p class="muted">{data.reason}</p>;
    case 'stat':
      return <StatValue value={data.value} label={data.column} />;
    default:
      return (
        <>
          <Chart data={data} compact={compact} />
          {data.truncated && <p class="muted small">Only the first 20 series are drawn.</p>}
        </>
      );
  }
}

// A dashboard panel's body: the chart, or the table when the panel is one.
export function PanelResult({ result, chart }: { result: QueryResult; chart: ChartType }) {
  if (chart === 'table') return <ResultTable meta={result.meta} data={result.data} pageSize={20} />;
  return <ResultChart result={result} chart={chart} compact />;
}
