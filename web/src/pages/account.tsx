import { useState } from 'preact/hooks';
import { call, describe, navigate, session } from '../api';
import { Message } from '../components/async_view';
import { PreferencesSection } from '../components/preferences';
import { SessionsSection } from '../components/sessions';
import { useSignal } from '../signal';

export function AccountPage() {
  const current = useSignal(session)!;
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string>();
  const user = current.user;
  const remove = async (e: Event) => {
    e.preventDefault();
    try {
      await call('/v1/me', { method: 'DELETE' });
      session.value = null;
      navigate('/signup?deleted=1');
    } catch (err) {
      setError(describe(err));
    }
  };
  return (
    <section>
      <h1>Account</h1>
      <dl>
        <dt>Name</dt>
        <dd data-testid="user-name">{user.name || '—'}</dd>
        <dt>E-mail</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{user.role}</dd>
        <dt>Member since</dt>
        <dd>{new Date(user.created_at).toLocaleDateString()}</dd>
      </dl>
      <PreferencesSection />
      <SessionsSection />
      <h2>Delete my account</h2>
      <p>
        This deletes your account, every key and session, your request history and the stored images. It cannot be
        undone.
      </p>
      <form onSubmit={remove}>
        <label for="confirm-delete">Type your e-mail address ({user.email}) to confirm</label>
        <input id="confirm-delete" type="text" autoComplete="off" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
        <button type="submit" class="danger" disabled={typed.trim().toLowerCase() !== user.email}>
          Delete my account
        </button>
      </form>
      <Message kind="error" text={error} />
    </section>
  );
}
