// Admin (ADMIN privilege): users (create, drop, password, roles), roles (custom roles and their grants),
// privileges granted and revoked one line at a time, and API tokens (create with scopes and expiry,
// list, revoke).
import { useState } from 'preact/hooks';
import {
  Grant,
  NewToken,
  Role,
  Token,
  User,
  createRole,
  createToken,
  createUser,
  dropRole,
  dropUser,
  grant,
  revoke,
  revokeToken,
  roles as fetchRoles,
  setPassword,
  tokens as fetchTokens,
  users as fetchUsers,
} from '../api';
import { useApp } from '../context';
import { parseGrantLine } from '../lib/grants';
import { formatDateTime } from '../lib/format';
import { useLoad } from '../components/hooks';
import { ErrorBox } from '../components/ErrorBox';
import { ConfirmButton } from '../components/ConfirmButton';
import { CopyButton } from '../components/CopyButton';
import { EXPIRY_CHOICES } from '../components/HttpSourceForm';
import { SectionLinks } from '../components/SectionLinks';

const PRIVILEGES = ['SELECT', 'INSERT', 'CREATE', 'ALTER', 'DROP', 'ADMIN'];

function useAction(after: () => void) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      after();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}

export function Admin() {
  const users = useLoad(fetchUsers, []);
  const roles = useLoad(fetchRoles, []);
  const reloadAll = () => {
    users.reload();
    roles.reload();
  };
  return (
    <section class="page admin">
      <h1>Admin</h1>
      <SectionLinks page="#/admin" links={[
        { id: 'admin-users', label: 'Users' },
        { id: 'admin-roles', label: 'Roles and grants' },
        { id: 'admin-tokens', label: 'Tokens' },
      ]} />
      <Users users={users.data ?? []} roles={roles.data ?? []} loadError={users.error} reload={reloadAll} />
      <Roles users={users.data ?? []} roles={roles.data ?? []} loadError={roles.error} reload={reloadAll} />
      <Tokens users={users.data ?? []} />
    </section>
  );
}

function Users({ users, roles, loadError, reload }: { users: User[]; roles: Role[]; loadError: unknown; reload(): void }) {
  const { me } = useApp();
  const act = useAction(reload);
  const [name, setName] = useState('');
  const [password, setPw] = useState('');
  const [picked, setPicked] = useState<string[]>(['viewer']);

  const create = async (e: Event) => {
    e.preventDefault();
    if (await act.run(() => createUser(name.trim(), password, picked))) {
      setName('');
      setPw('');
    }
  };

  return (
    <section class="card" id="admin-users" aria-labelledby="users-title">
      <h2 id="users-title" tabIndex={-1}>Users</h2>
      <ErrorBox error={loadError} title="The users could not be listed" onRetry={reload} />
      <ErrorBox error={act.error} title="The user was not changed" />
      <div class="table-scroll">
        <table class="list-table">
          <thead><tr><th scope="col">User</th><th scope="col">Roles</th><th scope="col">Created</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {users.map((u) => <UserRow key={u.name} user={u} roles={roles} self={u.name === me.user} act={act.run} busy={act.busy} />)}
          </tbody>
        </table>
      </div>
      <form class="stack" onSubmit={create} aria-labelledby="new-user-title">
        <h3 id="new-user-title">New user</h3>
        <div class="row wrap">
          <label><span class="label-text">Name</span>
            <input required value={name} autocomplete="off" onInput={(e) => setName((e.target as HTMLInputElement).value)} /></label>
          <label><span class="label-text">Password</span>
            <input required type="password" autocomplete="new-password" value={password} onInput={(e) => setPw((e.target as HTMLInputElement).value)} /></label>
        </div>
        <fieldset class="row wrap">
          <legend>Roles</legend>
          {roles.map((r) => (
            <label key={r.name} class="check">
              <input type="checkbox" checked={picked.includes(r.name)}
                onChange={(e) => setPicked((e.target as HTMLInputElement).checked ? [...picked, r.name] : picked.filter((x) => x !== r.name))} />
              {r.name}
            </label>
          ))}
        </fieldset>
        <div><button type="submit" class="primary" disabled={act.busy}>Create user</button></div>
      </form>
    </section>
  );
}

function UserRow({ user, roles, self, act, busy }: {
  user: User;
  roles: Role[];
  self: boolean;
  act(fn: () => Promise<unknown>): Promise<boolean>;
  busy: boolean;
}) {
  const [adding, setAdding] = useState('');
  const [pw, setPw] = useState<string | null>(null);
  const missing = roles.filter((r) => !user.roles.includes(r.name));
  return (
    <tr>
      <th scope="row">{user.name}{self && <span class="muted small"> (you)</span>}</th>
      <td>
        <ul class="chips">
          {user.roles.map((r) => (
            <li key={r} class="chip">
              {r}
              <button type="button" class="chip-remove" aria-label={`Remove role ${r} from ${user.name}`}
                disabled={busy || (self && r === 'admin')} title={self && r === 'admin' ? 'You cannot remove your own admin role' : undefined}
                onClick={() => void act(() => revoke({ to: user.name, roles: [r] }))}>×</button>
            </li>
          ))}
        </ul>
        {missing.length > 0 && (
          <form class="row" onSubmit={(e) => { e.preventDefault(); if (adding) void act(() => grant({ to: user.name, roles: [adding] })); }}>
            <label>
              <span class="visually-hidden">Role to give {user.name}</span>
              <select value={adding} onChange={(e) => setAdding((e.target as HTMLSelectElement).value)}>
                <option value="">Add a role…</option>
                {missing.map((r) => <option key={r.name} value={r.name}>{r.name}</option>)}
              </select>
            </label>
            <button type="submit" disabled={!adding || busy}>Add</button>
          </form>
        )}
      </td>
      <td>{formatDateTime(user.created_at_ms)}</td>
      <td class="actions">
        {pw === null ? (
          <button type="button" aria-label={`Set the password of ${user.name}`} onClick={() => setPw('')}>Password</button>
        ) : (
          <form class="row" onSubmit={async (e) => { e.preventDefault(); if (await act(() => setPassword(user.name, pw))) setPw(null); }}>
            <label><span class="visually-hidden">New password of {user.name}</span>
              <input type="password" required autocomplete="new-password" value={pw} onInput={(e) => setPw((e.target as HTMLInputElement).value)} /></label>
            <button type="submit" class="primary" disabled={busy}>Set</button>
            <button type="button" onClick={() => setPw(null)}>Cancel</button>
          </form>
        )}
        <ConfirmButton label="Drop" ariaLabel={`Drop user ${user.name}`} confirmLabel={`Drop ${user.name} and its tokens`}
          disabled={busy || self} onConfirm={() => void act(() => dropUser(user.name))} />
      </td>
    </tr>
  );
}

function Roles({ users, roles, loadError, reload }: { users: User[]; roles: Role[]; loadError: unknown; reload(): void }) {
  const act = useAction(reload);
  const [name, setName] = useState('');
  const [to, setTo] = useState('');
  const [privilege, setPrivilege] = useState('SELECT');
  const [table, setTable] = useState('*');

  const submitGrant = async (e: Event) => {
    e.preventDefault();
    await act.run(() => grant({ to, grants: [{ privilege, table: table.trim() || '*' }] }));
  };

  return (
    <section class="card" id="admin-roles" aria-labelledby="roles-title">
      <h2 id="roles-title" tabIndex={-1}>Roles and grants</h2>
      <ErrorBox error={loadError} title="The roles could not be listed" onRetry={reload} />
      <ErrorBox error={act.error} title="Nothing was changed" />
      <div class="table-scroll">
        <table class="list-table">
          <thead><tr><th scope="col">Role</th><th scope="col">Grants</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {roles.map((r) => (
              <tr key={r.name}>
                <th scope="row">{r.name}{r.built_in && <span class="badge">built-in</span>}</th>
                <td>
                  <ul class="grant-lines">
                    {r.grants.map((line) => {
                      const g = parseGrantLine(line);
                      return (
                        <li key={line}>
                          <code>{line}</code>
                          {!r.built_in && g?.kind === 'privileges' && (
                            <button type="button" class="small" aria-label={`Revoke: ${line}`} disabled={act.busy}
                              onClick={() => void act.run(() => revoke({ to: r.name, grants: g.privileges.map((p) => ({ privilege: p, table: g.table })) }))}>
                              Revoke
                            </button>
                          )}
                        </li>
                      );
                    })}
                  </ul>
                </td>
                <td class="actions">
                  {!r.built_in && <ConfirmButton label="Drop" ariaLabel={`Drop role ${r.name}`} confirmLabel={`Drop ${r.name}`}
                    disabled={act.busy} onConfirm={() => void act.run(() => dropRole(r.name))} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="split">
        <form class="stack" onSubmit={async (e) => { e.preventDefault(); if (await act.run(() => createRole(name.trim()))) setName(''); }}>
          <h3>New role</h3>
          <div class="row">
            <label><span class="label-text">Name</span>
              <input required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} /></label>
            <button type="submit" class="primary" disabled={act.busy}>Create role</button>
          </div>
        </form>
        <form class="stack" onSubmit={submitGrant}>
          <h3>Grant a privilege</h3>
          <div class="row wrap">
            <label><span class="label-text">Privilege</span>
              <select value={privilege} onChange={(e) => setPrivilege((e.target as HTMLSelectElement).value)}>
                {PRIVILEGES.map((p) => <option key={p} value={p}>{p}</option>)}
              </select></label>
            <label><span class="label-text">On table (* for every table)</span>
              <input required value={table} onInput={(e) => setTable((e.target as HTMLInputElement).value)} /></label>
            <label><span class="label-text">To</span>
              <select required value={to} onChange={(e) => setTo((e.target as HTMLSelectElement).value)}>
                <option value="">Choose…</option>
                <optgroup label="Roles">
                  {roles.filter((r) => !r.built_in).map((r) => <option key={r.name} value={r.name}>{r.name}</option>)}
                </optgroup>
                <optgroup label="Users">
                  {users.map((u) => <option key={u.name} value={u.name}>{u.name}</option>)}
                </optgroup>
              </select></label>
            <button type="submit" class="primary" disabled={act.busy || !to}>Grant</button>
          </div>
        </form>
      </div>
    </section>
  );
}

function Tokens({ users }: { users: User[] }) {
  const { me } = useApp();
  const list = useLoad(fetchTokens, []);
  const act = useAction(list.reload);
  const [name, setName] = useState('');
  const [owner, setOwner] = useState('');
  const [scopes, setScopes] = useState<Grant[]>([{ privilege: 'INSERT', table: '' }]);
  const [expiry, setExpiry] = useState('30 days');
  const [minted, setMinted] = useState<NewToken | null>(null);

  const create = async (e: Event) => {
    e.preventDefault();
    setMinted(null);
    await act.run(async () => {
      const t = await createToken({
        name: name.trim(),
        owner: owner || me.user,
        scopes: scopes.map((s) => ({ privilege: s.privilege, table: s.privilege === 'ADMIN' ? '*' : s.table.trim() || '*' })),
        expires_in_seconds: EXPIRY_CHOICES.find((c) => c.label === expiry)?.seconds,
      });
      setMinted(t);
      setName('');
    });
  };

  const setScope = (i: number, change: Partial<Grant>) => setScopes(scopes.map((s, j) => (j === i ? { ...s, ...change } : s)));

  return (
    <section class="card" id="admin-tokens" aria-labelledby="tokens-title">
      <h2 id="tokens-title" tabIndex={-1}>Tokens</h2>
      <ErrorBox error={list.error} title="The tokens could not be listed" onRetry={list.reload} />
      <ErrorBox error={act.error} title="The token was not changed" />
      {minted && (
        <div class="minted" role="status">
          <p>Token <strong>{minted.name}</strong> created. Copy the secret now: it is not shown again.</p>
          <pre class="code" data-testid="token-secret">{minted.token}</pre>
          <CopyButton text={minted.token} label="Copy token" />
        </div>
      )}
      <div class="table-scroll">
        <table class="list-table">
          <thead>
            <tr><th scope="col">Token</th><th scope="col">Owner</th><th scope="col">Scopes</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((t: Token) => (
              <tr key={t.name} data-token-name={t.name}>
                <th scope="row">{t.name}</th>
                <td>{t.owner}</td>
                <td>{t.scopes.map((s) => `${s.privilege} on ${s.table === '*' ? 'every table' : s.table}`).join(', ')}</td>
                <td>{formatDateTime(t.created_at_ms)}</td>
                <td>{t.expires_at_ms ? formatDateTime(t.expires_at_ms) : 'never'}</td>
                <td class="actions">
                  <ConfirmButton label="Revoke" ariaLabel={`Revoke ${t.name}`} confirmLabel={`Revoke ${t.name}`}
                    disabled={act.busy} onConfirm={() => void act.run(() => revokeToken(t.name))} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.data && list.data.length === 0 && <p class="muted">No tokens.</p>}
      <form class="stack" onSubmit={create} aria-labelledby="new-token-title">
        <h3 id="new-token-title">New token</h3>
        <div class="row wrap">
          <label><span class="label-text">Name</span>
            <input required value={name} pattern="[A-Za-z0-9_\-]+" onInput={(e) => setName((e.target as HTMLInputElement).value)} /></label>
          <label><span class="label-text">Owner</span>
            <select value={owner || me.user} onChange={(e) => setOwner((e.target as HTMLSelectElement).value)}>
              {(users.length ? users.map((u) => u.name) : [me.user]).map((u) => <option key={u} value={u}>{u}</option>)}
            </select></label>
          <label><span class="label-text">Expires after</span>
            <select value={expiry} onChange={(e) => setExpiry((e.target as HTMLSelectElement).value)}>
              {EXPIRY_CHOICES.map((c) => <option key={c.label} value={c.label}>{c.label}</option>)}
            </select></label>
        </div>
        <fieldset class="stack">
          <legend>Scopes (the token can do no more than its owner)</legend>
          {scopes.map((s, i) => (
            <div class="row wrap" key={i}>
              <label><span class="label-text">Privilege</span>
                <select value={s.privilege} onChange={(e) => setScope(i, { privilege: (e.target as HTMLSelectElement).value })}>
                  {PRIVILEGES.map((p) => <option key={p} value={p}>{p}</option>)}
                </select></label>
              <label><span class="label-text">Table (* for every table)</span>
                <input value={s.table} disabled={s.privilege === 'ADMIN'} placeholder="*"
                  onInput={(e) => setScope(i, { table: (e.target as HTMLInputElement).value })} /></label>
              {scopes.length > 1 && (
                <button type="button" class="danger" aria-label={`Remove scope ${i + 1}`} onClick={() => setScopes(scopes.filter((_, j) => j !== i))}>Remove</button>
              )}
            </div>
          ))}
          <div><button type="button" onClick={() => setScopes([...scopes, { privilege: 'SELECT', table: '' }])}>Add scope</button></div>
        </fieldset>
        <div><button type="submit" class="primary" disabled={act.busy}>Create token</button></div>
      </form>
    </section>
  );
}
