import { useState } from 'preact/hooks';
import { call, describe } from '../api';
import { AsyncView, Message, useLoad } from '../components/async_view';
import { OnceSecret } from '../components/secret';

interface KeyInfo {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const when = (t: string | null) => (t ? new Date(t).toLocaleString() : '—');

export function KeysPage() {
  const keys = useLoad(() => call<{ keys: KeyInfo[] }>('/v1/keys'), []);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string>();
  const [confirming, setConfirming] = useState<string>();
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string }>();

  const create = async (e: Event) => {
    e.preventDefault();
    try {
      const key = await call<{ secret: string }>('/v1/keys', { method: 'POST', body: { name } });
      setCreated(key.secret);
      setName('');
      setMessage(undefined);
      keys.reload();
    } catch (err) {
      setMessage({ kind: 'error', text: describe(err) });
    }
  };
  const revoke = async (id: string) => {
    try {
      await call(`/v1/keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
      setConfirming(undefined);
      setMessage({ kind: 'ok', text: 'Key revoked. Calls with it now fail, and sessions opened with it have ended.' });
      keys.reload();
    } catch (err) {
      setMessage({ kind: 'error', text: describe(err) });
    }
  };

  return (
    <section>
      <h1>API keys</h1>
      <form onSubmit={create} class="inline">
        <label for="key-name">New key name</label>
        <input id="key-name" type="text" maxLength={200} required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <button type="submit">Create key</button>
      </form>
      {created && <OnceSecret secret={created} label="The new API key" />}
      <Message kind={message?.kind ?? 'ok'} text={message?.text} />
      <AsyncView state={keys} label="keys">
        {(data) => (
          <div class="scroll" tabIndex={0}>
            <table>
              <caption class="sr-only">Your API keys</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {data.keys.map((key) => (
                  <tr key={key.id}>
                    <td>{key.name || '—'}</td>
                    <td>
                      <code>{key.prefix}_…</code>
                    </td>
                    <td>{when(key.created_at)}</td>
                    <td>{when(key.last_used_at)}</td>
                    <td>
                      {key.revoked_at ? (
                        `revoked ${when(key.revoked_at)}`
                      ) : confirming === key.id ? (
                        <span role="group" aria-label={`Confirm revoking ${key.name || key.prefix}`}>
                          Revoke for good?{' '}
                          <button type="button" class="danger" onClick={() => revoke(key.id)}>
                            Yes, revoke
                          </button>{' '}
                          <button type="button" onClick={() => setConfirming(undefined)}>
                            Cancel
                          </button>
                        </span>
                      ) : (
                        <button type="button" aria-label={`Revoke key ${key.name || key.prefix}`} onClick={() => setConfirming(key.id)}>
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
    </section>
  );
}
