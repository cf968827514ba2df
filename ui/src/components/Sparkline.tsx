// A small line of recent values (rates, memory) as inline SVG, with its last value in words for screen
// readers.
export function Sparkline({ values, label, width = 120, height = 28 }: {
  values: Array<number | undefined>;
  label: string;
  width?: number;
  height?: number;
}) {
  const finite = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (finite.length < 2) {
    return <svg class="sparkline" width={width} height={height} role="img" aria-label={`${label}: not enough data yet`} />;
  }
  const max = Math.max(...finite);
  const min = Math.min(0, ...finite);
  const span = max - min || 1;
  const step = width / Math.max(1, values.length - 1);
  const points: string[] = [];
  values.forEach((v, i) => {
    if (v === undefined || !Number.isFinite(v)) return;
    points.push(`${(i * step).toFixed(1)},${(height - 2 - ((v - min) / span) * (height - 4)).toFixed(1)}`);
  });
  return (
    <svg class="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <polyline points={points.join(' ')} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}
