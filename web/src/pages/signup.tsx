import { useState } from 'preact/hooks';
import { call, describe, login, navigate, type User } from '../api';
import { Message } from '../components/async_view';
import { OnceSecret } from '../components/secret';

interface SignUpAnswer {
  user: User;
  api_key: { id: string; prefix: string; secret?: string };
  delivery: 'response' | 'email';
}

export function SignUpPage() {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<SignUpAnswer>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setDone(await call<SignUpAnswer>('/v1/users', { method: 'POST', body: { email, name } }));
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };
  if (done) {
    const secret = done.api_key.secret;
    return (
      <section>
        <h1>Welcome, {done.user.name || done.user.email}</h1>
        {secret ? (
          <>
            <OnceSecret secret={secret} label="Your new API key" />
            <button type="button" onClick={() => login(secret).then(() => navigate('/try'), (err) => setError(describe(err)))}>
              Continue with this key
            </button>
          </>
        ) : (
          <p role="status">
            Check your e-mail: your API key was sent to {done.user.email}. Then <a href="/login">log in</a> with it.
          </p>
        )}
        <Message kind="error" text={error} />
      </section>
    );
  }
  return (
    <section>
      <h1>Sign up</h1>
      <p>Detect faces in your images over HTTP. An account gives you an API key.</p>
      <form onSubmit={submit}>
        <label for="signup-email">E-mail</label>
        <input id="signup-email" type="email" required autoComplete="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <label for="signup-name">Name (optional)</label>
        <input id="signup-name" type="text" maxLength={200} autoComplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing up…' : 'Sign up'}
        </button>
      </form>
      <Message kind="error" text={error} />
    </section>
  );
}
