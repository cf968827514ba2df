// One dashboard, live: panels on a 12-column grid whose results the server pushes over
// GET /v1/dashboards/ID/live (lib/sse.ts) when the data they read changes; the time range and variables
// (sent with the stream, which reopens when they change); editing panels (title, SQL, chart, place, with a
// preview run through /v1/sql), and saving the spec.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Dashboard, dashboard as fetchDashboard, me as fetchMe, query, updateDashboard } from '../api';
import { CHART_LABELS, CHART_TYPES, ChartType } from '../lib/chart_choice';
import { GRID_COLUMNS, Spec, SpecPanel, nextPanelId, placeNewPanel, readingOrder, specProblems } from '../lib/dashboard_spec';
import { LiveState, PanelEvent, liveUrl, openLive } from '../lib/sse';
import { DashboardVariable, panelParams } from '../lib/sql_params';
import { TimeRange, describeRange, rangeError } from '../lib/time_range';
import { formatClock } from '../lib/format';
import { QueryResult } from '../lib/result';
import { exploreHref, routeHref } from '../lib/router';
import { ErrorBox } from '../components/ErrorBox';
import { Dialog } from '../components/Dialog';
import { SqlEditor } from '../components/SqlEditor';
import { PanelResult } from '../components/ResultView';
import { TimeRangePicker } from '../components/TimeRangePicker';

const NEW_PANEL_SQL =
  'SELECT toStartOfMinute(timestamp) AS t, count() AS events\nFROM events\n' +
  'WHERE timestamp >= {from:DateTime} AND timestamp < {to:DateTime}\nGROUP BY t\nORDER BY t';

const LIVE_TEXT: Record<LiveState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  stopped: 'Not live',
};

export function DashboardView({ id }: { id: string }) {
  const [loaded, setLoaded] = useState<Dashboard | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [spec, setSpec] = useState<Spec | null>(null);
  const [name, setName] = useState('');
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [savedVersion, setSavedVersion] = useState(0);
  const [results, setResults] = useState<Record<string, PanelEvent>>({});
  const [live, setLive] = useState<LiveState>('connecting');
  const [liveProblem, setLiveProblem] = useState<string | null>(null);
  const [editing, setEditing] = useState<SpecPanel | null>(null);
  const [showVariables, setShowVariables] = useState(false);

  useEffect(() => {
    fetchDashboard(id).then(
      (d) => {
        setLoaded(d);
        setSpec(normalise(d.spec));
        setName(d.name);
      },
      setLoadError,
    );
  }, [id]);

  const range = spec?.time_range;
  const varValues = useMemo(() => {
    const out: Record<string, string> = {};
    for (const v of spec?.variables ?? []) if (v.name) out[v.name] = v.value;
    return out;
  }, [spec?.variables]);
  const varsKey = JSON.stringify(varValues);
  const rangeProblem = range ? rangeError(range, Date.now()) : null;

  // The live stream: reopened when the saved dashboard, the range or the variables change.
  useEffect(() => {
    if (!loaded || !range || rangeProblem) return undefined;
    setLiveProblem(null);
    const close = openLive(liveUrl(id, range, varValues), {
      onPanel: (e) => setResults((r) => ({ ...r, [e.panel]: e })),
      onState: setLive,
      onRefused: () => {
        setLiveProblem('The server refused the live stream; retrying.');
        fetchMe().catch(() => undefined); // a 401 here signs the app out
      },
      onBadEvent: setLiveProblem,
    });
    return close;
  }, [loaded?.id, savedVersion, range?.from, range?.to, varsKey, !!rangeProblem]);

  if (loadError) {
    return (
      <section class="page">
        <h1>Dashboard</h1>
        <ErrorBox error={loadError} title="The dashboard could not be opened" />
        <p><a href={routeHref(['dashboards'])}>All dashboards</a></p>
      </section>
    );
  }
  if (!loaded || !spec) return <section class="page"><p class="muted" aria-busy="true">Loading the dashboard…</p></section>;

  const change = (next: Spec) => {
    setSpec(next);
    setDirty(true);
  };
  const problems = specProblems(spec);

  const save = async () => {
    setSaving(true);
    setSaveError(null);
    try {
      const d = await updateDashboard(id, { name: name.trim() || loaded.name, spec });
      setLoaded({ ...loaded, ...d, name: d?.name ?? (name.trim() || loaded.name), spec: d?.spec ? normalise(d.spec) : spec });
      setDirty(false);
      setSavedVersion((v) => v + 1);
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  const discard = () => {
    setSpec(normalise(loaded.spec));
    setName(loaded.name);
    setDirty(false);
  };

  const addPanel = () => {
    const place = placeNewPanel(spec.panels, 6, 4);
    setEditing({ id: nextPanelId(spec.panels), title: '', sql: NEW_PANEL_SQL, chart: 'line', ...place });
  };

  const applyPanel = (p: SpecPanel) => {
    const exists = spec.panels.some((x) => x.id === p.id);
    change({ ...spec, panels: exists ? spec.panels.map((x) => (x.id === p.id ? p : x)) : [...spec.panels, p] });
    setEditing(null);
  };

  const removePanel = (panelId: string) => {
    change({ ...spec, panels: spec.panels.filter((x) => x.id !== panelId) });
    setEditing(null);
  };

  return (
    <section class="page dashboard">
      <div class="dash-head">
        <div class="dash-title">
          <label>
            <span class="visually-hidden">Dashboard name</span>
            <input class="title-input" value={name} onInput={(e) => { setName((e.target as HTMLInputElement).value); setDirty(true); }} />
          </label>
          <span class={`live live-${live}`} role="status" aria-live="polite" data-testid="live-indicator">
            <span class="live-dot" aria-hidden="true" />{rangeProblem ? 'Not live' : LIVE_TEXT[live]}
          </span>
        </div>
        <div class="dash-tools">
          <TimeRangePicker value={spec.time_range} onChange={(r: TimeRange) => change({ ...spec, time_range: r })} />
          <button type="button" aria-expanded={showVariables} aria-controls="dash-variables" onClick={() => setShowVariables(!showVariables)}>
            Variables{spec.variables.length ? ` (${spec.variables.length})` : ''}
          </button>
          <button type="button" onClick={addPanel}>Add panel</button>
          <button type="button" class="primary" onClick={save} disabled={saving || !dirty || problems.length > 0}>
            {saving ? 'Saving…' : 'Save'}
          </button>
          {dirty && <button type="button" onClick={discard}>Discard changes</button>}
        </div>
      </div>
      {showVariables && (
        <VariablesEditor variables={spec.variables} onChange={(variables) => change({ ...spec, variables })} />
      )}
      {rangeProblem && <p class="field-error" role="alert">{rangeProblem}</p>}
      {liveProblem && <p class="muted small" role="status">{liveProblem}</p>}
      {dirty && (
        <p class="notice" role="status">
          Unsaved changes. Panels show the saved dashboard's results over {describeRange(spec.time_range).toLowerCase()} until you save.
        </p>
      )}
      {problems.length > 0 && (
        <ul class="field-error" role="alert">{problems.map((p) => <li key={p}>{p}</li>)}</ul>
      )}
      <ErrorBox error={saveError} title="The dashboard was not saved" />
      {spec.panels.length === 0 && (
        <p class="muted">No panels yet. <button type="button" class="link-button" onClick={addPanel}>Add a panel</button>, or use “Add to dashboard” in Explore.</p>
      )}
      <div class="grid">
        {readingOrder(spec.panels).map((p) => (
          <Panel key={p.id} panel={p} event={results[p.id]} onEdit={() => setEditing(p)} />
        ))}
      </div>
      <PanelEditor
        panel={editing}
        range={spec.time_range}
        variables={spec.variables}
        isNew={editing !== null && !spec.panels.some((p) => p.id === editing.id)}
        onApply={applyPanel}
        onRemove={removePanel}
        onClose={() => setEditing(null)}
      />
    </section>
  );
}

// A spec from the server with every field the app relies on.
function normalise(spec: Partial<Spec> | undefined): Spec {
  return {
    time_range: spec?.time_range ?? { from: 'now-1h', to: 'now' },
    variables: (spec?.variables ?? []).map((v) => ({ name: v.name ?? '', type: v.type ?? 'String', value: String(v.value ?? '') })),
    panels: (spec?.panels ?? []).map((p, i) => ({
      id: p.id ?? `p${i + 1}`,
      title: p.title ?? '',
      sql: p.sql ?? '',
      chart: (CHART_TYPES as readonly string[]).includes(p.chart) ? p.chart : 'table',
      x: p.x ?? 0,
      y: p.y ?? i * 4,
      w: p.w ?? 6,
      h: p.h ?? 4,
    })),
  };
}

function Panel({ panel, event, onEdit }: { panel: SpecPanel; event?: PanelEvent; onEdit(): void }) {
  const style = { '--x': panel.x + 1, '--y': panel.y + 1, '--w': panel.w, '--h': panel.h };
  const title = panel.title || panel.id;
  return (
    <article class={`panel panel-${panel.chart}`} style={style} data-testid="panel" data-panel-id={panel.id} aria-label={title}>
      <header class="panel-head">
        <h2 class="panel-title">{title}</h2>
        <div class="panel-tools">
          <a class="icon-button" href={exploreHref(panel.sql)} aria-label={`Open the SQL of ${title} in Explore`} title="Open in Explore">↗</a>
          <button type="button" class="icon-button" onClick={onEdit} aria-label={`Edit ${title}`} title="Edit">✎</button>
        </div>
      </header>
      <div class="panel-body">
        {!event && <p class="muted small">Waiting for data…</p>}
        {event?.error && (
          <div class="panel-error" role="alert">
            <p>{event.error.message}</p>
            <p class="muted small">{event.error.code === 'PERMISSION_DENIED' ? 'Ask an admin for the privilege named.' : 'Edit the panel to fix its SQL.'}</p>
          </div>
        )}
        {event?.result && <PanelResult result={event.result} chart={panel.chart} />}
      </div>
      <footer class="panel-foot">
        <span data-testid="panel-updated" title={event ? new Date(event.at_ms).toISOString() : undefined}>
          {event ? `Updated ${formatClock(event.at_ms)}` : 'Not updated yet'}
        </span>
      </footer>
    </article>
  );
}

function VariablesEditor({ variables, onChange }: { variables: DashboardVariable[]; onChange(v: DashboardVariable[]): void }) {
  // Values apply on change (Enter or leaving the field), names and types likewise, so typing does not
  // reopen the live stream at every key.
  const set = (i: number, field: keyof DashboardVariable, value: string) =>
    onChange(variables.map((v, j) => (j === i ? { ...v, [field]: value } : v)));
  return (
    <fieldset class="variables" id="dash-variables">
      <legend>Variables</legend>
      <p class="help">Panels read a variable as {'{NAME:Type}'}, e.g. {'{region:String}'}.</p>
      {variables.map((v, i) => (
        <div class="row wrap" key={i}>
          <label><span class="label-text">Name</span>
            <input value={v.name} onChange={(e) => set(i, 'name', (e.target as HTMLInputElement).value.trim())} /></label>
          <label><span class="label-text">Type</span>
            <input value={v.type} list="variable-types" onChange={(e) => set(i, 'type', (e.target as HTMLInputElement).value.trim())} /></label>
          <label><span class="label-text">Value</span>
            <input value={v.value} onChange={(e) => set(i, 'value', (e.target as HTMLInputElement).value)} /></label>
          <button type="button" class="danger" aria-label={`Remove variable ${v.name}`} onClick={() => onChange(variables.filter((_, j) => j !== i))}>Remove</button>
        </div>
      ))}
      <datalist id="variable-types">
        {['String', 'UInt32', 'UInt64', 'Int64', 'Float64', 'Date', 'DateTime'].map((t) => <option key={t} value={t} />)}
      </datalist>
      <button type="button" onClick={() => onChange([...variables, { name: `var${variables.length + 1}`, type: 'String', value: '' }])}>
        Add variable
      </button>
    </fieldset>
  );
}

function PanelEditor({ panel, range, variables, isNew, onApply, onRemove, onClose }: {
  panel: SpecPanel | null;
  range: TimeRange;
  variables: DashboardVariable[];
  isNew: boolean;
  onApply(p: SpecPanel): void;
  onRemove(id: string): void;
  onClose(): void;
}) {
  const [draft, setDraft] = useState<SpecPanel | null>(panel);
  const [preview, setPreview] = useState<QueryResult | null>(null);
  const [previewError, setPreviewError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);
  const draftRef = useRef(draft);
  draftRef.current = draft;
  useEffect(() => {
    setDraft(panel);
    setPreview(null);
    setPreviewError(null);
  }, [panel]);

  const runPreview = async () => {
    const d = draftRef.current;
    if (!d) return;
    setRunning(true);
    setPreviewError(null);
    try {
      const { params, missing } = panelParams(d.sql, range, variables, Date.now());
      if (missing.length > 0) throw new Error(`no variable named ${missing.join(', ')}: add it under Variables`);
      setPreview(await query(d.sql, { params }));
    } catch (e) {
      setPreview(null);
      setPreviewError(e);
    } finally {
      setRunning(false);
    }
  };

  const num = (field: 'x' | 'y' | 'w' | 'h', label: string, min: number, max: number) => (
    <label class="narrow">
      <span class="label-text">{label}</span>
      <input type="number" min={min} max={max} value={draft ? draft[field] : 0}
        onInput={(e) => draft && setDraft({ ...draft, [field]: Number((e.target as HTMLInputElement).value) })} />
    </label>
  );

  return (
    <Dialog title={isNew ? 'New panel' : `Edit panel ${panel?.title || panel?.id || ''}`} open={panel !== null} onClose={onClose} wide>
      {draft && (
        <form class="stack" onSubmit={(e) => { e.preventDefault(); onApply(draft); }}>
          <div class="row wrap">
            <label class="grow">
              <span class="label-text">Title</span>
              <input name="title" value={draft.title} onInput={(e) => setDraft({ ...draft, title: (e.target as HTMLInputElement).value })} />
            </label>
            <label>
              <span class="label-text">Chart</span>
              <select name="chart" value={draft.chart} onChange={(e) => setDraft({ ...draft, chart: (e.target as HTMLSelectElement).value as ChartType })}>
                {CHART_TYPES.map((c) => <option key={c} value={c}>{CHART_LABELS[c]}</option>)}
              </select>
            </label>
          </div>
          <div>
            <span class="label-text">SQL</span>
            <SqlEditor value={draft.sql} onChange={(sql) => setDraft({ ...draftRef.current!, sql })} onRun={runPreview}
              label="Panel SQL; Control or Command plus Enter previews it" minLines={5} />
            <p class="help">{'{from:DateTime}'} and {'{to:DateTime}'} are the dashboard's time range; variables are {'{NAME:Type}'}.</p>
          </div>
          <fieldset class="row wrap">
            <legend>Place on the {GRID_COLUMNS}-column grid</legend>
            {num('x', 'Column (0–11)', 0, GRID_COLUMNS - 1)}
            {num('w', 'Width', 1, GRID_COLUMNS)}
            {num('y', 'Row', 0, 999)}
            {num('h', 'Height', 1, 24)}
          </fieldset>
          <div class="row wrap">
            <button type="button" onClick={runPreview} disabled={running}>{running ? 'Running…' : 'Preview'}</button>
            <button type="submit" class="primary">{isNew ? 'Add panel' : 'Apply'}</button>
            {!isNew && <button type="button" class="danger" onClick={() => onRemove(draft.id)}>Remove panel</button>}
            <button type="button" onClick={onClose}>Cancel</button>
          </div>
          <p class="help">Apply changes the dashboard here; Save on the dashboard keeps them and makes them live.</p>
          <ErrorBox error={previewError} title="The preview failed" />
          {preview && (
            <div class="preview panel-body">
              <PanelResult result={preview} chart={draft.chart} />
            </div>
          )}
        </form>
      )}
    </Dialog>
  );
}
