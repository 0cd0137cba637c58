import { useState } from 'preact/hooks';
import { describe, login, navigate } from '../api';
import { Message } from '../components/async_view';

/// Only same-site paths: `next` comes from the address bar.
function safeNext(): string {
  const next = new URLSearchParams(location.search).get('next') ?? '/try';
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/try';
}

export function LoginPage() {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await login(key.trim());
      navigate(safeNext());
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <h1>Log in</h1>
      <form onSubmit={submit}>
        <label for="login-key">API key</label>
        <input
          id="login-key"
          type="password"
          autoComplete="off"
          required
          placeholder="fl_…"
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <Message kind="error" text={error} />
      <p>
        No key yet? <a href="/signup" onClick={(e) => (e.preventDefault(), navigate('/signup'))}>Sign up</a>.
      </p>
    </section>
  );
}
