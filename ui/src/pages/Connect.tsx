// Connect: how data gets in. Kafka sources with their state, lag, rate and quarantine; HTTP events with a
// token minted for one table and the curl command that uses it; a file upload whose schema is inferred
// and edited before the table is created; and the form that creates a Kafka source.
import { useRef, useState } from 'preact/hooks';
import { Source, dropSource, sourceAction, sources as fetchSources } from '../api';
import { formatDateTime, formatNumber, formatRate } from '../lib/format';
import { exploreHref } from '../lib/router';
import { quoteIdent } from '../lib/ddl';
import { usePoll } from '../components/hooks';
import { ErrorBox } from '../components/ErrorBox';
import { ConfirmButton } from '../components/ConfirmButton';
import { Sparkline } from '../components/Sparkline';
import { HttpSourceForm } from '../components/HttpSourceForm';
import { UploadForm } from '../components/UploadForm';
import { KafkaForm } from '../components/KafkaForm';
import { SectionLinks } from '../components/SectionLinks';

const POLL_MS = 3000;
const HISTORY = 40;

export function Connect() {
  return (
    <section class="page connect">
      <h1>Connect</h1>
      <SectionLinks page="#/connect" links={[
        { id: 'sources', label: 'Sources' },
        { id: 'http-events', label: 'HTTP events' },
        { id: 'upload', label: 'Upload a file' },
        { id: 'kafka', label: 'New Kafka source' },
      ]} />
      <SourceList />
      <HttpSourceForm />
      <UploadForm />
      <KafkaForm />
    </section>
  );
}

function SourceList() {
  const [list, setList] = useState<Source[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const rates = useRef(new Map<string, number[]>());

  const poll = () => {
    fetchSources().then((l) => {
      for (const s of l) {
        const h = rates.current.get(s.name) ?? [];
        h.push(s.messages_per_second);
        if (h.length > HISTORY) h.shift();
        rates.current.set(s.name, h);
      }
      setList(l);
      setError(null);
    }, setError);
  };
  usePoll(poll, POLL_MS);

  const act = async (fn: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await fn();
    } catch (e) {
      setActionError(e);
    }
    poll();
  };

  return (
    <section class="card" id="sources" aria-labelledby="sources-title">
      <h2 id="sources-title" tabIndex={-1}>Sources</h2>
      <ErrorBox error={error} title="The sources could not be listed" onRetry={poll} />
      <ErrorBox error={actionError} title="The source was not changed" />
      {list && list.length === 0 && <p class="muted">No Kafka sources yet. Create one below, or send events over HTTP.</p>}
      {list && list.length > 0 && (
        <div class="table-scroll">
          <table class="list-table">
            <thead>
              <tr>
                <th scope="col">Source</th><th scope="col">State</th><th scope="col" class="num">Lag</th>
                <th scope="col">Messages/s</th><th scope="col" class="num">Rows</th><th scope="col" class="num">Quarantined</th>
                <th scope="col">Last error</th><th scope="col"><span class="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {list.map((s) => (
                <tr key={s.name}>
                  <td>
                    <strong>{s.name}</strong>
                    <div class="muted small">{s.topic} → {s.table}</div>
                  </td>
                  <td><span class={`badge state-${s.state}`}>{s.state}</span></td>
                  <td class="num">{s.lag < 0 ? 'unknown' : formatNumber(s.lag)}</td>
                  <td>
                    <div class="rate">
                      <Sparkline values={rates.current.get(s.name) ?? []} label={`Messages per second of ${s.name}`} />
                      <span>{formatRate(s.messages_per_second)}</span>
                    </div>
                  </td>
                  <td class="num">{formatNumber(s.rows)}</td>
                  <td class="num">
                    {s.quarantined > 0
                      ? <a href={exploreHref(`SELECT * FROM ${quoteIdent(`${s.table}_quarantine`)} ORDER BY received_at DESC LIMIT 100`, true)}>{formatNumber(s.quarantined)}</a>
                      : '0'}
                  </td>
                  <td class="error-cell">
                    {s.last_error ? <><span>{s.last_error}</span><div class="muted small">{formatDateTime(s.last_error_ms)}</div></> : '–'}
                  </td>
                  <td class="actions">
                    {s.paused
                      ? <button type="button" aria-label={`Resume ${s.name}`} onClick={() => act(() => sourceAction(s.name, 'resume'))}>Resume</button>
                      : <button type="button" aria-label={`Pause ${s.name}`} onClick={() => act(() => sourceAction(s.name, 'pause'))}>Pause</button>}
                    <ConfirmButton label="Delete" ariaLabel={`Delete ${s.name}`} confirmLabel={`Delete ${s.name}`}
                      onConfirm={() => act(() => dropSource(s.name))} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
