// Admins: the users (GET /v1/admin/users), filtered by e-mail prefix and role, paged; a role change
// asks for confirmation, a deletion for the user's e-mail address typed out.
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, describe, type User } from '../api';
import { AsyncView, Message, useLoad } from '../components/async_view';

interface AdminUser extends User {
  key_count: number;
  request_count: number;
  last_request_at: string | null;
}

const ROLES: User['role'][] = ['user', 'analyst', 'admin'];
const when = (t: string | null) => (t ? new Date(t).toLocaleString() : '—');

function listPath(email: string, role: string, cursor?: string): string {
  const q = new URLSearchParams({ limit: '20' });
  if (email) q.set('email', email);
  if (role) q.set('role', role);
  if (cursor) q.set('cursor', cursor);
  return `/v1/admin/users?${q}`;
}

type Pending = { kind: 'role'; user: AdminUser; role: User['role'] } | { kind: 'delete'; user: AdminUser };

/// The confirmation step of a role change or a deletion, shown above the table.
function Confirm(props: { pending: Pending; onDone: (text: string) => void; onCancel: () => void }) {
  const { pending } = props;
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string>();
  const path = `/v1/admin/users/${encodeURIComponent(pending.user.id)}`;
  // Keyboard users land in the step they opened: the address field, or the confirm button.
  const first = useRef<HTMLInputElement & HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  const run = async (e: Event) => {
    e.preventDefault();
    try {
      if (pending.kind === 'role') {
        await call(path, { method: 'PATCH', body: { role: pending.role } });
        props.onDone(`${pending.user.email} is now ${pending.role}.`);
      } else {
        await call(path, { method: 'DELETE' });
        props.onDone(`${pending.user.email} and their data were deleted.`);
      }
    } catch (err) {
      setError(describe(err));
    }
  };
  const deleting = pending.kind === 'delete';
  return (
    <form class="confirm" onSubmit={run} aria-labelledby="confirm-title">
      <h2 id="confirm-title">{deleting ? 'Delete this account?' : 'Change the role?'}</h2>
      {deleting ? (
        <>
          <p>
            This deletes {pending.user.email}: every key and session, the request history, the stored images and the
            feedback. It cannot be undone.
          </p>
          <label for="confirm-email">Type the address ({pending.user.email}) to confirm</label>
          <input ref={first} id="confirm-email" type="text" autoComplete="off" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
        </>
      ) : (
        <p>
          {pending.user.email}: {pending.user.role} → {pending.role}. It holds from their next request.
        </p>
      )}
      <div class="inline">
        <button ref={deleting ? undefined : first} type="submit" class={deleting ? 'danger' : ''} disabled={deleting && typed.trim().toLowerCase() !== pending.user.email}>
          {deleting ? 'Delete account' : `Make ${pending.role}`}
        </button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
      <Message kind="error" text={error} />
    </form>
  );
}

function UserRow(props: { user: AdminUser; onPick: (p: Pending) => void }) {
  const { user } = props;
  const [role, setRole] = useState(user.role);
  return (
    <tr>
      <td data-label="E-mail">
        <div>
          {user.email}
          {user.name && <div class="hint">{user.name}</div>}
        </div>
      </td>
      <td data-label="Role">
        <div class="inline">
          <label class="sr-only" for={`role-${user.id}`}>
            Role of {user.email}
          </label>
          <select id={`role-${user.id}`} value={role} onChange={(e) => setRole(e.currentTarget.value as User['role'])}>
            {ROLES.map((r) => (
              <option value={r}>{r}</option>
            ))}
          </select>
          <button type="button" disabled={role === user.role} onClick={() => props.onPick({ kind: 'role', user, role })}>
            Change<span class="sr-only"> role of {user.email}</span>
          </button>
        </div>
      </td>
      <td data-label="Requests">{user.request_count}</td>
      <td data-label="Last request">{when(user.last_request_at)}</td>
      <td data-label="Keys">{user.key_count}</td>
      <td data-label="Created">{when(user.created_at)}</td>
      <td data-label="Delete">
        <button type="button" class="danger" aria-label={`Delete ${user.email}`} onClick={() => props.onPick({ kind: 'delete', user })}>
          Delete
        </button>
      </td>
    </tr>
  );
}

export function AdminUsersPage() {
  const [draft, setDraft] = useState({ email: '', role: '' });
  const [filters, setFilters] = useState(draft);
  const [cursors, setCursors] = useState<string[]>([]);
  const [pending, setPending] = useState<Pending>();
  const [done, setDone] = useState<string>();
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(
    () => call<{ users: AdminUser[]; next_cursor: string | null }>(listPath(filters.email, filters.role, cursor)),
    [filters, cursor],
  );
  return (
    <section>
      <h1>Users</h1>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setCursors([]);
          setFilters(draft);
        }}
      >
        <div>
          <label for="filter-email">E-mail starts with</label>
          <input id="filter-email" type="text" value={draft.email} onInput={(e) => setDraft({ ...draft, email: e.currentTarget.value })} />
        </div>
        <div>
          <label for="filter-role">Role</label>
          <select id="filter-role" value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.currentTarget.value })}>
            <option value="">any</option>
            {ROLES.map((r) => (
              <option value={r}>{r}</option>
            ))}
          </select>
        </div>
        <button type="submit">Filter</button>
      </form>
      {pending && (
        <Confirm
          key={pending.user.id + pending.kind}
          pending={pending}
          onCancel={() => setPending(undefined)}
          onDone={(text) => {
            setPending(undefined);
            setDone(text);
            page.reload();
          }}
        />
      )}
      <Message kind="ok" text={done} />
      <AsyncView state={page} label="users">
        {(data) => (
          <>
            {data.users.length === 0 && <p>No users match.</p>}
            <div class="scroll" tabIndex={0} role="region" aria-label="Users table">
              <table class="cards">
                <caption class="sr-only">Users</caption>
                <thead>
                  <tr>
                    <th scope="col">E-mail</th>
                    <th scope="col">Role</th>
                    <th scope="col">Requests</th>
                    <th scope="col">Last request</th>
                    <th scope="col">Keys</th>
                    <th scope="col">Created</th>
                    <th scope="col">Delete</th>
                  </tr>
                </thead>
                <tbody>
                  {data.users.map((u) => (
                    <UserRow key={`${u.id}-${u.role}`} user={u} onPick={(p) => (setDone(undefined), setPending(p))} />
                  ))}
                </tbody>
              </table>
            </div>
            <div class="inline">
              <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
                Previous
              </button>
              <button type="button" disabled={!data.next_cursor} onClick={() => setCursors([...cursors, data.next_cursor!])}>
                Next
              </button>
            </div>
          </>
        )}
      </AsyncView>
    </section>
  );
}
