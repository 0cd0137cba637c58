// Analysts and admins: alert rules (list, create, edit, delete) and the timeline of their
// transitions. A 422's detail starts with the member's name (docs/api.md#alerts), so the message is
// shown at that field.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, call, describe } from '../api';
import { AsyncView, Message, useLoad } from '../components/async_view';

interface Rule {
  id: string;
  name: string;
  metric: string;
  feature?: string | null;
  comparator: string;
  threshold: number;
  window_minutes: number;
  min_sample: number;
  cooldown_minutes: number;
  emails: string[];
  webhook_url?: string | null;
  enabled: boolean;
}
interface AlertEvent {
  id: string;
  rule_id: string;
  rule_name: string;
  metric: string;
  transition: string;
  value: number | null;
  threshold: number;
  comparator: string;
  occurred_at: string;
}

const METRICS = ['confidence_mean', 'confidence_p10', 'no_face_share', 'error_share', 'latency_p95', 'drift_psi', 'drift_verdict', 'negative_feedback_share'];
const COMPARATORS = ['<', '<=', '>', '>='];
type Draft = Record<'name' | 'metric' | 'feature' | 'comparator' | 'threshold' | 'window_minutes' | 'min_sample' | 'cooldown_minutes' | 'emails', string> & { enabled: boolean };
const EMPTY: Draft = {
  name: '', metric: 'confidence_mean', feature: '', comparator: '<', threshold: '', window_minutes: '60',
  min_sample: '20', cooldown_minutes: '60', emails: '', enabled: true,
};

function toDraft(r: Rule): Draft {
  return {
    name: r.name, metric: r.metric, feature: r.feature ?? '', comparator: r.comparator, threshold: String(r.threshold),
    window_minutes: String(r.window_minutes), min_sample: String(r.min_sample), cooldown_minutes: String(r.cooldown_minutes),
    emails: r.emails.join(', '), enabled: r.enabled,
  };
}

/// The JSON body: numbers as numbers (an empty or non-numeric field goes as text, so the server's
/// 422 names it), e-mails split on commas.
function toBody(d: Draft, editing?: Rule): Record<string, unknown> {
  const num = (s: string) => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);
  const body: Record<string, unknown> = {
    name: d.name, metric: d.metric, comparator: d.comparator, threshold: num(d.threshold),
    window_minutes: num(d.window_minutes), min_sample: num(d.min_sample), cooldown_minutes: num(d.cooldown_minutes),
    emails: d.emails.split(',').map((e) => e.trim()).filter(Boolean), enabled: d.enabled,
  };
  if (d.metric.startsWith('drift_')) body.feature = d.feature;
  if (editing?.webhook_url) body.webhook_url = editing.webhook_url;  // PUT replaces every member
  return body;
}

function RuleForm(props: { editing?: Rule; onSaved: (text: string) => void; onCancel: () => void }) {
  const [draft, setDraft] = useState<Draft>(props.editing ? toDraft(props.editing) : EMPTY);
  const [error, setError] = useState<{ field?: string; text: string }>();
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => form.current?.querySelector('input')?.focus(), []);  // keyboard users start at Name
  const set = (name: keyof Draft, value: string | boolean) => setDraft({ ...draft, [name]: value });
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const editing = props.editing;
      const path = editing ? `/v1/alerts/rules/${encodeURIComponent(editing.id)}` : '/v1/alerts/rules';
      await call(path, { method: editing ? 'PUT' : 'POST', body: toBody(draft, editing) });
      props.onSaved(editing ? `Rule "${draft.name}" saved.` : `Rule "${draft.name}" created.`);
    } catch (err) {
      const field = err instanceof ApiError && err.status === 422 ? err.message.split(':')[0].trim() : undefined;
      setError({ field: field && field in EMPTY ? field : undefined, text: describe(err) });
    }
  };
  const field = (name: keyof Draft, label: string, input: preact.JSX.Element) => (
    <div>
      <label for={`rule-${name}`}>{label}</label>
      {input}
      {error?.field === name && (
        <p id={`rule-${name}-error`} class="message error">
          {error.text}
        </p>
      )}
    </div>
  );
  const attrs = (name: keyof Draft) => ({
    id: `rule-${name}`,
    'aria-invalid': error?.field === name ? ('true' as const) : undefined,
    'aria-describedby': error?.field === name ? `rule-${name}-error` : undefined,
  });
  const text = (name: keyof Draft, type = 'text') => (
    <input {...attrs(name)} type={type} step={type === 'number' ? 'any' : undefined} value={draft[name] as string} onInput={(e) => set(name, e.currentTarget.value)} />
  );
  const choice = (name: keyof Draft, options: string[]) => (
    <select {...attrs(name)} value={draft[name] as string} onChange={(e) => set(name, e.currentTarget.value)}>
      {options.map((o) => (
        <option value={o}>{o}</option>
      ))}
    </select>
  );
  return (
    <form ref={form} class="rule-form" onSubmit={save} aria-labelledby="rule-form-title" noValidate>
      <h2 id="rule-form-title">{props.editing ? `Edit "${props.editing.name}"` : 'New rule'}</h2>
      <div class="filters">
        {field('name', 'Name', text('name'))}
        {field('metric', 'Metric', choice('metric', METRICS))}
        {draft.metric.startsWith('drift_') && field('feature', 'Feature', text('feature'))}
        {field('comparator', 'Fires while value is', choice('comparator', COMPARATORS))}
        {field('threshold', 'Threshold', text('threshold', 'number'))}
        {field('window_minutes', 'Window (minutes)', text('window_minutes', 'number'))}
        {field('min_sample', 'Minimum sample', text('min_sample', 'number'))}
        {field('cooldown_minutes', 'Cooldown (minutes)', text('cooldown_minutes', 'number'))}
        {field('emails', 'E-mails (comma-separated)', text('emails'))}
        <label class="check">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} /> Enabled
        </label>
      </div>
      {error && !error.field && <Message kind="error" text={error.text} />}
      {error?.field && <p class="sr-only" role="alert">{error.text}</p>}
      <div class="inline">
        <button type="submit">{props.editing ? 'Save rule' : 'Create rule'}</button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Timeline(props: { events: AlertEvent[] }) {
  if (props.events.length === 0) return <p>No transitions yet.</p>;
  return (
    <ol class="timeline" data-testid="alert-events">
      {props.events.map((e) => (
        <li key={e.id}>
          <span class={`state ${e.transition}`}>{e.transition}</span> <strong>{e.rule_name}</strong>: {e.metric}{' '}
          {e.value === null ? '—' : e.value.toFixed(3)} {e.comparator} {e.threshold}{' '}
          <time dateTime={e.occurred_at}>{new Date(e.occurred_at).toLocaleString()}</time>
        </li>
      ))}
    </ol>
  );
}

export function AlertsPage() {
  const rules = useLoad(() => call<{ rules: Rule[] }>('/v1/alerts/rules'), []);
  const events = useLoad(() => call<{ events: AlertEvent[] }>('/v1/alerts/events?limit=50'), []);
  const [editing, setEditing] = useState<Rule | 'new'>();
  const [deleting, setDeleting] = useState<string>();
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const state = (id: string) => events.data?.events.find((e) => e.rule_id === id)?.transition ?? 'ok';
  const remove = async (rule: Rule) => {
    try {
      await call(`/v1/alerts/rules/${encodeURIComponent(rule.id)}`, { method: 'DELETE' });
      setDeleting(undefined);
      setMessage({ kind: 'ok', text: `Rule "${rule.name}" deleted.` });
      rules.reload();
    } catch (err) {
      setMessage({ kind: 'error', text: describe(err) });
    }
  };
  return (
    <section>
      <h1>Alerts</h1>
      {editing ? (
        <RuleForm
          key={editing === 'new' ? 'new' : editing.id}
          editing={editing === 'new' ? undefined : editing}
          onCancel={() => setEditing(undefined)}
          onSaved={(text) => (setEditing(undefined), setMessage({ kind: 'ok', text }), rules.reload())}
        />
      ) : (
        <button type="button" onClick={() => (setMessage(undefined), setEditing('new'))}>
          New rule
        </button>
      )}
      <Message kind={message?.kind ?? 'ok'} text={message?.text} />
      <h2>Rules</h2>
      <AsyncView state={rules} label="the rules">
        {(data) => (
          <div class="scroll" tabIndex={0} role="region" aria-label="Rules table">
            <table class="cards">
              <caption class="sr-only">Alert rules</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Condition</th>
                  <th scope="col">State</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {data.rules.map((r) => (
                  <tr key={r.id}>
                    <td data-label="Name">{r.name}</td>
                    <td data-label="Condition">
                      {r.metric}
                      {r.feature ? ` (${r.feature})` : ''} {r.comparator} {r.threshold} over {r.window_minutes} min
                    </td>
                    <td data-label="State" class={`state ${r.enabled ? state(r.id) : 'disabled'}`}>{r.enabled ? state(r.id) : 'disabled'}</td>
                    <td data-label="Actions">
                      {deleting === r.id ? (
                        <span role="group" aria-label={`Confirm deleting ${r.name}`}>
                          Delete for good?{' '}
                          <button type="button" class="danger" onClick={() => remove(r)}>
                            Yes, delete
                          </button>{' '}
                          <button type="button" class="secondary" onClick={() => setDeleting(undefined)}>
                            Cancel
                          </button>
                        </span>
                      ) : (
                        <span class="inline">
                          <button type="button" aria-label={`Edit ${r.name}`} onClick={() => (setMessage(undefined), setEditing(r))}>
                            Edit
                          </button>
                          <button type="button" aria-label={`Delete ${r.name}`} onClick={() => setDeleting(r.id)}>
                            Delete
                          </button>
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </AsyncView>
      <h2>Timeline</h2>
      <AsyncView state={events} label="the alert events">
        {(data) => <Timeline events={data.events} />}
      </AsyncView>
    </section>
  );
}
