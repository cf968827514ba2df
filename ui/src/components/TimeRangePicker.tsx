// The dashboard's time range: a preset (last 5 minutes ... last 7 days) or custom ends in the grammar of
// lib/time_range.ts (now, now-15m, 2024-01-01 00:00:00 in UTC), checked before they are applied.
import { useEffect, useState } from 'preact/hooks';
import { PRESETS, TimeRange, presetOf, rangeError } from '../lib/time_range';

export function TimeRangePicker({ value, onChange }: { value: TimeRange; onChange(r: TimeRange): void }) {
  const preset = presetOf(value);
  const [custom, setCustom] = useState(!preset);
  const [from, setFrom] = useState(value.from);
  const [to, setTo] = useState(value.to);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setFrom(value.from);
    setTo(value.to);
    if (!presetOf(value)) setCustom(true);
  }, [value.from, value.to]);

  const apply = (e?: Event) => {
    e?.preventDefault();
    const r = { from: from.trim(), to: to.trim() };
    const err = rangeError(r, Date.now());
    setProblem(err);
    if (!err) onChange(r);
  };

  return (
    <div class="time-range">
      <label>
        <span class="label-text">Time range</span>
        <select
          value={custom ? 'custom' : preset ? preset.from : 'custom'}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value;
            if (v === 'custom') {
              setCustom(true);
              return;
            }
            const p = PRESETS.find((x) => x.from === v);
            if (p) {
              setCustom(false);
              setProblem(null);
              onChange({ from: p.from, to: p.to });
            }
          }}
        >
          {PRESETS.map((p) => <option key={p.from} value={p.from}>{p.label}</option>)}
          <option value="custom">Custom…</option>
        </select>
      </label>
      {custom && (
        <form class="time-custom" onSubmit={apply}>
          <label>
            <span class="label-text">From</span>
            <input
              value={from}
              size={19}
              placeholder="now-2h or 2024-01-01 00:00:00"
              aria-invalid={problem ? 'true' : undefined}
              aria-describedby="time-range-help"
              onInput={(e) => setFrom((e.target as HTMLInputElement).value)}
            />
          </label>
          <label>
            <span class="label-text">To</span>
            <input
              value={to}
              size={19}
              placeholder="now"
              aria-invalid={problem ? 'true' : undefined}
              aria-describedby="time-range-help"
              onInput={(e) => setTo((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit">Apply</button>
          <p id="time-range-help" class={problem ? 'field-error' : 'help'} role={problem ? 'alert' : undefined}>
            {problem ?? 'now, now-<N><s|m|h|d|w>, or YYYY-MM-DD hh:mm:ss (UTC)'}
          </p>
        </form>
      )}
    </div>
  );
}
