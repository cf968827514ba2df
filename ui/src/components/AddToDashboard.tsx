// "Add to dashboard": puts a statement on an existing dashboard (read, append a panel, PUT the spec) or on
// a new one (POST), with a title and a chart type.
import { useEffect, useState } from 'preact/hooks';
import { DashboardSummary, createDashboard, dashboard, dashboards, updateDashboard } from '../api';
import { CHART_LABELS, CHART_TYPES, ChartType } from '../lib/chart_choice';
import { SpecPanel, emptySpec, nextPanelId, placeNewPanel } from '../lib/dashboard_spec';
import { routeHref } from '../lib/router';
import { Dialog } from './Dialog';
import { ErrorBox } from './ErrorBox';

const NEW = '__new__';

export function AddToDashboard({ open, onClose, sql, chart }: {
  open: boolean;
  onClose(): void;
  sql: string;
  chart: ChartType;
}) {
  const [list, setList] = useState<DashboardSummary[] | null>(null);
  const [target, setTarget] = useState(NEW);
  const [newName, setNewName] = useState('');
  const [title, setTitle] = useState('');
  const [chartType, setChartType] = useState<ChartType>(chart);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ id: string; name: string } | null>(null);

  useEffect(() => {
    if (!open) return;
    setDone(null);
    setError(null);
    setChartType(chart);
    dashboards().then((l) => {
      setList(l);
      if (l.length > 0) setTarget(l[0].id);
    }, setError);
  }, [open]);

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const w = chartType === 'stat' ? 3 : 6;
      const h = chartType === 'stat' ? 2 : 4;
      const base = { title: title.trim() || 'Untitled panel', sql, chart: chartType };
      if (target === NEW) {
        const spec = emptySpec();
        const panel: SpecPanel = { id: 'p1', ...base, ...placeNewPanel([], w, h) };
        spec.panels.push(panel);
        const d = await createDashboard(newName.trim() || 'New dashboard', spec);
        setDone({ id: d.id, name: d.name });
      } else {
        const d = await dashboard(target);
        const spec = d.spec;
        const panel: SpecPanel = { id: nextPanelId(spec.panels), ...base, ...placeNewPanel(spec.panels, w, h) };
        const saved = await updateDashboard(d.id, { spec: { ...spec, panels: [...spec.panels, panel] } });
        setDone({ id: saved?.id ?? d.id, name: saved?.name ?? d.name });
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Add to dashboard" open={open} onClose={onClose}>
      {done ? (
        <div class="stack">
          <p role="status">The panel is on <strong>{done.name}</strong>.</p>
          <div class="row">
            <a class="button primary" href={routeHref(['dashboards', done.id])} onClick={onClose}>Open the dashboard</a>
            <button type="button" onClick={onClose}>Stay here</button>
          </div>
        </div>
      ) : (
        <form class="stack" onSubmit={save}>
          <label>
            <span class="label-text">Dashboard</span>
            <select value={target} onChange={(e) => setTarget((e.target as HTMLSelectElement).value)}>
              {(list ?? []).map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
              <option value={NEW}>New dashboard…</option>
            </select>
          </label>
          {target === NEW && (
            <label>
              <span class="label-text">New dashboard's name</span>
              <input required value={newName} onInput={(e) => setNewName((e.target as HTMLInputElement).value)} />
            </label>
          )}
          <label>
            <span class="label-text">Panel title</span>
            <input required value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            <span class="label-text">Chart</span>
            <select value={chartType} onChange={(e) => setChartType((e.target as HTMLSelectElement).value as ChartType)}>
              {CHART_TYPES.map((c) => <option key={c} value={c}>{CHART_LABELS[c]}</option>)}
            </select>
          </label>
          <p class="help">Panels may use {'{from:DateTime}'} and {'{to:DateTime}'} for the dashboard's time range.</p>
          <ErrorBox error={error} title="The panel was not added" />
          <div class="row">
            <button type="submit" class="primary" disabled={busy}>{busy ? 'Adding…' : 'Add panel'}</button>
            <button type="button" onClick={onClose}>Cancel</button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
