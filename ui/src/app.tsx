// The app's shell: who is signed in (GET /v1/me), the sign-in page when nobody is, the navigation bar,
// the user menu, the light/dark theme, and which page the hash route shows.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, Me, dashboards, me as fetchMe, onUnauthenticated, signOut } from './api';
import { AppContext, Theme } from './context';
import { useRoute } from './components/hooks';
import { ErrorBox } from './components/ErrorBox';
import { navigate, routeHref } from './lib/router';
import { SignIn } from './pages/SignIn';
import { Connect } from './pages/Connect';
import { Explore } from './pages/Explore';
import { Dashboards } from './pages/Dashboards';
import { DashboardView } from './pages/DashboardView';
import { Monitor } from './pages/Monitor';
import { Admin } from './pages/Admin';

type Auth =
  | { state: 'checking' }
  | { state: 'signed-out'; notice?: string }
  | { state: 'unreachable'; error: unknown }
  | { state: 'signed-in'; me: Me };

const THEME_KEY = 'aurora.theme';

function initialTheme(): Theme {
  const saved = localStorage.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

const NAV = [
  { page: 'connect', label: 'Connect' },
  { page: 'explore', label: 'Explore' },
  { page: 'dashboards', label: 'Dashboards' },
  { page: 'monitor', label: 'Monitor' },
  { page: 'admin', label: 'Admin', admin: true },
];

// The first screen after sign-in: the first dashboard, live.
async function goHome(): Promise<void> {
  try {
    const list = await dashboards();
    navigate(list.length > 0 ? routeHref(['dashboards', list[0].id]) : routeHref(['dashboards']));
  } catch {
    navigate(routeHref(['dashboards']));
  }
}

export function App() {
  const [auth, setAuth] = useState<Auth>({ state: 'checking' });
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const route = useRoute();

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const check = useCallback(() => {
    setAuth({ state: 'checking' });
    fetchMe(true).then(
      (m) => setAuth({ state: 'signed-in', me: m }),
      (e) => setAuth(e instanceof ApiError && e.status === 401 ? { state: 'signed-out' } : { state: 'unreachable', error: e }),
    );
  }, []);

  useEffect(() => {
    check();
    onUnauthenticated(() => setAuth({ state: 'signed-out', notice: 'Your session has ended. Sign in again to go on.' }));
    return () => onUnauthenticated(null);
  }, [check]);

  const refreshMe = useCallback(() => {
    fetchMe().then((m) => setAuth({ state: 'signed-in', me: m }), () => undefined);
  }, []);

  // An empty route, or the sign-in route once signed in, leads home.
  useEffect(() => {
    if (auth.state === 'signed-in' && (route.path.length === 0 || route.path[0] === 'signin')) void goHome();
  }, [auth.state, route.path.join('/')]);

  const toggleTheme = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem(THEME_KEY, next);
    setTheme(next);
  };

  if (auth.state === 'checking') {
    return <main class="center" aria-busy="true"><p class="muted">Loading…</p></main>;
  }
  if (auth.state === 'unreachable') {
    return (
      <main class="center">
        <ErrorBox title="Cannot reach the server" error={auth.error} onRetry={check} />
      </main>
    );
  }
  if (auth.state === 'signed-out') {
    return (
      <SignIn
        notice={auth.notice}
        theme={theme}
        onToggleTheme={toggleTheme}
        onSignedIn={(m) => setAuth({ state: 'signed-in', me: m })}
      />
    );
  }

  const page = route.path[0] ?? '';
  return (
    <AppContext.Provider value={{ me: auth.me, theme, refreshMe }}>
      <a class="skip-link" href="#main" onClick={(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}>Skip to content</a>
      <header class="topbar">
        <a class="brand" href={routeHref(['dashboards'])} aria-label="Aurora, dashboards">Aurora</a>
        <nav class="nav" aria-label="Main">
          <ul>
            {NAV.filter((n) => !n.admin || auth.me.admin).map((n) => (
              <li key={n.page}>
                <a href={routeHref([n.page])} aria-current={page === n.page ? 'page' : undefined}>{n.label}</a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="topbar-end">
          <button
            type="button"
            class="icon-button"
            onClick={toggleTheme}
            aria-label={theme === 'dark' ? 'Use the light theme' : 'Use the dark theme'}
            title={theme === 'dark' ? 'Light theme' : 'Dark theme'}
          >
            {theme === 'dark' ? '☀' : '☾'}
          </button>
          <UserMenu me={auth.me} onSignedOut={() => setAuth({ state: 'signed-out', notice: 'You have signed out.' })} />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page page={page} path={route.path} params={route.params} admin={auth.me.admin} />
      </main>
    </AppContext.Provider>
  );
}

function Page({ page, path, params, admin }: { page: string; path: string[]; params: Record<string, string>; admin: boolean }) {
  switch (page) {
    case 'connect':
      return <Connect />;
    case 'explore':
      return <Explore params={params} />;
    case 'dashboards':
      return path[1] ? <DashboardView key={path[1]} id={path[1]} /> : <Dashboards />;
    case 'monitor':
      return <Monitor />;
    case 'admin':
      return admin ? <Admin /> : (
        <section class="page">
          <h1>Admin</h1>
          <p>Managing users, roles and tokens needs the ADMIN privilege. Ask an admin if you need it.</p>
        </section>
      );
    case '':
    case 'signin':
      return <p class="muted">Loading…</p>;
    default:
      return (
        <section class="page">
          <h1>Not found</h1>
          <p>There is no page “{page}”. <a href={routeHref(['dashboards'])}>Go to the dashboards</a>.</p>
        </section>
      );
  }
}

function UserMenu({ me, onSignedOut }: { me: Me; onSignedOut(): void }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const out = async () => {
    try {
      await signOut();
      onSignedOut();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div class="user-menu" ref={root}>
      <button
        ref={button}
        type="button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls="user-menu-panel"
        onClick={() => setOpen(!open)}
      >
        <span class="visually-hidden">Account of </span>{me.user} ▾
      </button>
      {open && (
        <div class="menu-panel" id="user-menu-panel">
          <p class="muted small">Signed in as <strong>{me.user}</strong></p>
          <button type="button" onClick={out}>Sign out</button>
          <ErrorBox error={error} title="Signing out failed" />
        </div>
      )}
    </div>
  );
}
