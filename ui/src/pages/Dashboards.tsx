// The list of dashboards: open, create, rename, duplicate, delete. Changing dashboards needs CREATE on
// every table; the server's 403 says so and the page shows it.
import { useState } from 'preact/hooks';
import {
  DashboardSummary,
  createDashboard,
  dashboards as fetchDashboards,
  deleteDashboard,
  duplicateDashboard,
  updateDashboard,
} from '../api';
import { emptySpec } from '../lib/dashboard_spec';
import { formatDateTime } from '../lib/format';
import { navigate, routeHref } from '../lib/router';
import { useLoad } from '../components/hooks';
import { ErrorBox } from '../components/ErrorBox';
import { ConfirmButton } from '../components/ConfirmButton';

export function Dashboards() {
  const list = useLoad(fetchDashboards, []);
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const create = (e: Event) => {
    e.preventDefault();
    void act(async () => {
      const d = await createDashboard(name.trim(), emptySpec());
      setName('');
      navigate(routeHref(['dashboards', d.id]));
    });
  };

  return (
    <section class="page">
      <h1>Dashboards</h1>
      <form class="row wrap" onSubmit={create}>
        <label>
          <span class="label-text">New dashboard</span>
          <input required placeholder="Name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary" disabled={busy}>Create</button>
      </form>
      <ErrorBox error={error} title="The dashboard was not changed" />
      <ErrorBox error={list.error} title="The dashboards could not be listed" onRetry={list.reload} />
      {list.data && list.data.length === 0 && <p class="muted">No dashboards yet: create one above, or use “Add to dashboard” in Explore.</p>}
      {list.data && list.data.length > 0 && (
        <div class="table-scroll">
          <table class="list-table">
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Panels</th><th scope="col">Updated</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>
              {list.data.map((d) => <Row key={d.id} d={d} busy={busy} act={act} />)}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Row({ d, busy, act }: { d: DashboardSummary; busy: boolean; act(fn: () => Promise<unknown>): Promise<void> }) {
  const [mode, setMode] = useState<'view' | 'rename' | 'duplicate'>('view');
  const [text, setText] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    const name = text.trim();
    void act(async () => {
      if (mode === 'rename') await updateDashboard(d.id, { name });
      else await duplicateDashboard(d.id, name);
      setMode('view');
    });
  };
  return (
    <tr>
      <td>
        {mode === 'view' ? (
          <a href={routeHref(['dashboards', d.id])}>{d.name}</a>
        ) : (
          <form class="row" onSubmit={submit}>
            <label>
              <span class="visually-hidden">{mode === 'rename' ? `New name of ${d.name}` : `Name of the copy of ${d.name}`}</span>
              <input required value={text} ref={(el) => el?.focus()} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit" class="primary" disabled={busy}>{mode === 'rename' ? 'Rename' : 'Duplicate'}</button>
            <button type="button" onClick={() => setMode('view')}>Cancel</button>
          </form>
        )}
      </td>
      <td>{d.panels}</td>
      <td>{formatDateTime(d.updated_ms)}{d.updated_by ? ` by ${d.updated_by}` : ''}</td>
      <td class="actions">
        <button type="button" aria-label={`Rename ${d.name}`} onClick={() => { setText(d.name); setMode('rename'); }}>Rename</button>
        <button type="button" aria-label={`Duplicate ${d.name}`} onClick={() => { setText(`${d.name} (copy)`); setMode('duplicate'); }}>Duplicate</button>
        <ConfirmButton label="Delete" ariaLabel={`Delete ${d.name}`} confirmLabel={`Delete ${d.name}`} disabled={busy}
          onConfirm={() => void act(() => deleteDashboard(d.id))} />
      </td>
    </tr>
  );
}
