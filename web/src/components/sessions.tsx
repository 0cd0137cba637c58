// The account page's sessions (GET /v1/sessions): where this account is logged in, and revoking
// one (DELETE /v1/sessions/{id}) after a confirmation step. Revoking this browser's own session
// logs it out.
import { useState } from 'preact/hooks';
import { call, describe, navigate, session } from '../api';
import { AsyncView, Message, useLoad } from './async_view';

interface SessionInfo {
  id: string;
  key_id: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string;
  current: boolean;
}

const when = (t: string | null) => (t ? new Date(t).toLocaleString() : '—');

export function SessionsSection() {
  const sessions = useLoad(() => call<{ sessions: SessionInfo[] }>('/v1/sessions'), []);
  const [confirming, setConfirming] = useState<string>();
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const revoke = async (s: SessionInfo) => {
    try {
      await call(`/v1/sessions/${encodeURIComponent(s.id)}`, { method: 'DELETE' });
      setConfirming(undefined);
      if (s.current) {
        session.value = null;
        navigate('/login');
        return;
      }
      setMessage({ kind: 'ok', text: 'Session revoked.' });
      sessions.reload();
    } catch (err) {
      setMessage({ kind: 'error', text: describe(err) });
    }
  };
  return (
    <>
      <h2>Sessions</h2>
      <Message kind={message?.kind ?? 'ok'} text={message?.text} />
      <AsyncView state={sessions} label="your sessions">
        {(data) => (
          <div class="scroll" tabIndex={0} role="region" aria-label="Sessions table">
            <table class="cards" data-testid="sessions">
              <caption class="sr-only">Where this account is logged in</caption>
              <thead>
                <tr>
                  <th scope="col">Opened</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Key</th>
                  <th scope="col">Revoke</th>
                </tr>
              </thead>
              <tbody>
                {data.sessions.map((s) => (
                  <tr key={s.id}>
                    <td data-label="Opened">
                      <span>
                        {when(s.created_at)}
                        {s.current && <strong> (this browser)</strong>}
                      </span>
                    </td>
                    <td data-label="Last used">{when(s.last_used_at)}</td>
                    <td data-label="Expires">{when(s.expires_at)}</td>
                    <td data-label="Key">
                      <code>fl_{s.key_id}_…</code>
                    </td>
                    <td data-label="Revoke">
                      {confirming === s.id ? (
                        <span role="group" aria-label="Confirm revoking the session">
                          {s.current ? 'This logs you out. Revoke?' : 'Revoke?'}{' '}
                          <button type="button" class="danger" onClick={() => revoke(s)}>
                            Yes, revoke
                          </button>{' '}
                          <button type="button" class="secondary" onClick={() => setConfirming(undefined)}>
                            Cancel
                          </button>
                        </span>
                      ) : (
                        <button type="button" aria-label={`Revoke the session opened ${when(s.created_at)}`} onClick={() => setConfirming(s.id)}>
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </AsyncView>
    </>
  );
}
