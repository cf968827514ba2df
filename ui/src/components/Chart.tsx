// A chart of a query result (line, area, bar or pie), drawn by ECharts once its code has loaded, redrawn
// when the data, the size or the colour theme changes. The container carries a text description for
// screen readers; the table view carries the values.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChartData } from '../lib/chart_choice';
import type { ChartHandle } from './chart_setup';
import { useApp } from '../context';

function describe(data: ChartData): string {
  if (data.kind === 'pie') return `Pie chart of ${data.slices.length} slices`;
  if (data.kind === 'xy') {
    const names = data.series.map((s) => s.name).slice(0, 5).join(', ');
    return `${data.chart[0].toUpperCase()}${data.chart.slice(1)} chart of ${names}${data.series.length > 5 ? ' and more' : ''} over ${data.axis === 'time' ? 'time' : 'categories'}`;
  }
  return 'Chart';
}

export function Chart({ data, compact = false }: { data: ChartData; compact?: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<ChartHandle | null>(null);
  const dataRef = useRef(data);
  dataRef.current = data;
  const [failed, setFailed] = useState<string | null>(null);
  const { theme } = useApp();

  useEffect(() => {
    let cancelled = false;
    let observer: ResizeObserver | null = null;
    import('./chart_setup').then(
      ({ mountChart }) => {
        if (cancelled || !host.current) return;
        chart.current = mountChart(host.current, dataRef.current, compact);
        observer = new ResizeObserver(() => chart.current?.resize());
        observer.observe(host.current);
      },
      (e) => !cancelled && setFailed(String(e)),
    );
    return () => {
      cancelled = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, [compact]);

  useEffect(() => {
    chart.current?.update(data);
  }, [data, theme]);

  if (failed) return <p class="muted">The chart could not be drawn ({failed}); the table shows the values.</p>;
  return <div class="chart" ref={host} role="img" aria-label={describe(data)} data-testid="chart" />;
}
