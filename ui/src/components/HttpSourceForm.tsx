// HTTP events: mints a token that may INSERT into and CREATE one table (owned by the signed-in user,
// with an expiry), and shows the curl command that sends a file of events with it. The secret is shown
// this once; the server keeps only its hash.
import { useState } from 'preact/hooks';
import { NewToken, createToken } from '../api';
import { useApp } from '../context';
import { curlCommand, isTableName } from '../lib/ddl';
import { formatDateTime } from '../lib/format';
import { routeHref } from '../lib/router';
import { ErrorBox } from './ErrorBox';
import { CopyButton } from './CopyButton';

export const EXPIRY_CHOICES: Array<{ label: string; seconds?: number }> = [
  { label: '1 day', seconds: 86_400 },
  { label: '7 days', seconds: 7 * 86_400 },
  { label: '30 days', seconds: 30 * 86_400 },
  { label: '90 days', seconds: 90 * 86_400 },
  { label: '1 year', seconds: 365 * 86_400 },
  { label: 'Never' },
];

export function HttpSourceForm() {
  const { me } = useApp();
  const [table, setTable] = useState('');
  const [expiry, setExpiry] = useState('30 days');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [minted, setMinted] = useState<{ token: NewToken; table: string } | null>(null);
  const valid = isTableName(table.trim());

  const submit = async (e: Event) => {
    e.preventDefault();
    const t = table.trim();
    setBusy(true);
    setError(null);
    try {
      const seconds = EXPIRY_CHOICES.find((c) => c.label === expiry)?.seconds;
      const token = await createToken({
        name: `${t}_http_${Date.now().toString(36)}`,
        owner: me.user,
        scopes: [{ privilege: 'INSERT', table: t }, { privilege: 'CREATE', table: t }],
        expires_in_seconds: seconds,
      });
      setMinted({ token, table: t });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const command = minted ? curlCommand(window.location.origin, minted.table, minted.token.token) : '';

  return (
    <section class="card" id="http-events" aria-labelledby="http-title">
      <h2 id="http-title" tabIndex={-1}>HTTP events</h2>
      <p class="help">
        Send newline-delimited JSON (or CSV with <code>&amp;format=csv</code>) to <code>/v1/events</code>. The first batch
        creates the table and its schema; new fields add columns; rows that do not fit go to <code>TABLE_quarantine</code>.
      </p>
      <form class="row wrap" onSubmit={submit}>
        <label>
          <span class="label-text">Table</span>
          <input name="table" required value={table} placeholder="clicks" pattern="[A-Za-z_][A-Za-z0-9_]*"
            aria-invalid={table !== '' && !valid ? 'true' : undefined}
            aria-describedby="http-table-help"
            onInput={(e) => setTable((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          <span class="label-text">Token expires after</span>
          <select name="expiry" value={expiry} onChange={(e) => setExpiry((e.target as HTMLSelectElement).value)}>
            {EXPIRY_CHOICES.map((c) => <option key={c.label} value={c.label}>{c.label}</option>)}
          </select>
        </label>
        <button type="submit" class="primary" disabled={busy || !valid}>{busy ? 'Creating…' : 'Create token'}</button>
      </form>
      <p id="http-table-help" class="help">
        Letters, digits and underscores. The token may insert into this table and create it, nothing else{me.admin ? '' : ' (creating tokens needs the ADMIN privilege)'}.
      </p>
      <ErrorBox error={error} title="The token was not created" />
      {minted && (
        <div class="minted" role="status">
          <p>
            Token <strong data-testid="token-name">{minted.token.name}</strong> for table <strong>{minted.table}</strong>
            {minted.token.expires_at_ms ? `, valid until ${formatDateTime(minted.token.expires_at_ms)}` : ', without expiry'}.
            Copy it now: it is not shown again. Revoke it on the <a href={routeHref(['admin'])}>Admin</a> page.
          </p>
          <pre class="code" data-testid="curl-command">{command}</pre>
          <div class="row">
            <CopyButton text={command} label="Copy command" />
            <CopyButton text={minted.token.token} label="Copy token" />
          </div>
        </div>
      )}
    </section>
  );
}
