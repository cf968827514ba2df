// Sign-in: POST /v1/session with the user and password; the server answers with an HttpOnly session
// cookie that every later request carries.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, Me, me, signIn } from '../api';
import type { Theme } from '../context';
import { errorMessage } from '../components/ErrorBox';

export function SignIn({ notice, theme, onToggleTheme, onSignedIn }: {
  notice?: string;
  theme: Theme;
  onToggleTheme(): void;
  onSignedIn(m: Me): void;
}) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ text: string; next: string } | null>(null);
  const userRef = useRef<HTMLInputElement>(null);
  useEffect(() => userRef.current?.focus(), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await signIn(user.trim(), password);
      onSignedIn(await me());
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setProblem({ text: 'The user name or the password is wrong.', next: 'Check both and try again; an admin can reset a password.' });
      } else if (err instanceof ApiError) {
        setProblem({ text: err.message, next: err.nextStep });
      } else {
        setProblem({ text: errorMessage(err), next: 'Try again.' });
      }
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="signin" id="main">
      <form class="signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <div class="signin-head">
          <h1 id="signin-title">Sign in to Aurora</h1>
          <button type="button" class="icon-button" onClick={onToggleTheme}
            aria-label={theme === 'dark' ? 'Use the light theme' : 'Use the dark theme'}>
            {theme === 'dark' ? '☀' : '☾'}
          </button>
        </div>
        {notice && <p class="notice" role="status">{notice}</p>}
        <label>
          <span class="label-text">User</span>
          <input ref={userRef} name="user" autocomplete="username" required value={user}
            onInput={(e) => setUser((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          <span class="label-text">Password</span>
          <input name="password" type="password" autocomplete="current-password" required value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </label>
        {problem && (
          <div class="error-box" role="alert">
            <p class="error-message">{problem.text}</p>
            <p class="error-next">{problem.next}</p>
          </div>
        )}
        <button type="submit" class="primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        <p class="help">The first start of the server prints admin's password (or takes it from AURORA_ADMIN_PASSWORD).</p>
      </form>
    </main>
  );
}
