// The app shell: navigation by role, the client-side routes, and the session restored on load.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { here, logout, navigate, restoreSession, session } from './api';
import { useSignal } from './signal';
import { AccountPage } from './pages/account';
import { AdminUsersPage } from './pages/admin_users';
import { AlertsPage } from './pages/alerts';
import { DetailPage } from './pages/detail';
import { HistoryPage } from './pages/history';
import { InsightsPage } from './pages/insights';
import { KeysPage } from './pages/keys';
import { LoginPage } from './pages/login';
import { ReportPage, ReportsPage } from './pages/reports';
import { ExportsPage } from './pages/exports';
import { SignUpPage } from './pages/signup';
import { TryPage } from './pages/try';
import './style.css';

function Link(props: { to: string; children: string }) {
  const current = useSignal(here).split('?')[0];
  const active = current === props.to || (props.to !== '/' && current.startsWith(props.to + '/'));
  return (
    <a
      href={props.to}
      aria-current={active ? 'page' : undefined}
      onClick={(e) => {
        e.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

function Nav() {
  const current = useSignal(session);
  return (
    <nav aria-label="Main">
      <a class="brand" href="/" onClick={(e) => (e.preventDefault(), navigate('/'))}>
        faceloop
      </a>
      {current ? (
        <>
          <Link to="/try">Try it</Link>
          <Link to="/history">History</Link>
          <Link to="/keys">Keys</Link>
          {current.user.role !== 'user' && (
            <>
              <Link to="/insights">Insights</Link>
              <Link to="/reports">Reports</Link>
              <Link to="/alerts">Alerts</Link>
              <Link to="/exports">Exports</Link>
            </>
          )}
          {current.user.role === 'admin' && <Link to="/admin/users">Users</Link>}
          <Link to="/account">Account</Link>
          <button type="button" class="link" onClick={() => logout().finally(() => navigate('/login'))}>
            Log out
          </button>
        </>
      ) : (
        <>
          <Link to="/signup">Sign up</Link>
          <Link to="/login">Log in</Link>
        </>
      )}
    </nav>
  );
}

/// Pages that need a session send the user to log in, with the place kept for afterwards.
function Protected(props: { page: () => preact.JSX.Element; analyst?: boolean; admin?: boolean }) {
  const current = useSignal(session);
  const location = useSignal(here);
  useEffect(() => {
    if (!current) navigate(`/login?next=${encodeURIComponent(location)}`);
  }, [current]);
  if (!current) return null;
  if (props.analyst && current.user.role === 'user') {
    return <p role="alert">This page is for analysts and admins.</p>;
  }
  if (props.admin && current.user.role !== 'admin') return <p role="alert">This page is for admins.</p>;
  return props.page();
}

function Routes() {
  const location = useSignal(here);
  const current = useSignal(session);
  const path = location.split('?')[0];
  useEffect(() => {
    const titles: Record<string, string> = {
      '/signup': 'Sign up', '/login': 'Log in', '/keys': 'API keys', '/try': 'Try it',
      '/history': 'History', '/account': 'Account', '/insights': 'Insights', '/reports': 'Reports',
      '/alerts': 'Alerts', '/exports': 'Dataset exports', '/admin/users': 'Users',
    };
    const prefixed = path.startsWith('/history/') ? 'Request' : path.startsWith('/reports/') ? 'Report' : 'faceloop';
    document.title = `${titles[path] ?? prefixed} · faceloop`;
  }, [path]);
  if (path === '/' || path === '') return current ? <Protected page={() => <TryPage />} /> : <SignUpPage />;
  if (path === '/signup') return <SignUpPage />;
  if (path === '/login') return <LoginPage />;
  if (path === '/keys') return <Protected page={() => <KeysPage />} />;
  if (path === '/try') return <Protected page={() => <TryPage />} />;
  if (path === '/history') return <Protected page={() => <HistoryPage />} />;
  if (path.startsWith('/history/')) return <Protected page={() => <DetailPage id={decodeURIComponent(path.slice(9))} />} />;
  if (path === '/account') return <Protected page={() => <AccountPage />} />;
  if (path === '/insights') return <Protected analyst page={() => <InsightsPage />} />;
  if (path === '/reports') return <Protected analyst page={() => <ReportsPage />} />;
  if (path.startsWith('/reports/')) return <Protected analyst page={() => <ReportPage id={decodeURIComponent(path.slice(9))} />} />;
  if (path === '/alerts') return <Protected analyst page={() => <AlertsPage />} />;
  if (path === '/exports') return <Protected analyst page={() => <ExportsPage />} />;
  if (path === '/admin/users') return <Protected admin page={() => <AdminUsersPage />} />;
  return (
    <section>
      <h1>Not found</h1>
      <p>There is no page at this address.</p>
    </section>
  );
}

function App() {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    restoreSession().finally(() => setReady(true));
  }, []);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <Nav />
      </header>
      <main id="main" tabIndex={-1}>
        {ready ? <Routes /> : <p role="status">Loading…</p>}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
