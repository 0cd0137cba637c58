// Analysts and admins: dataset exports (docs/datasets.md): start one from strategies and a format,
// watch it run, download a complete one as a tar archive. The API chooses where it is written.
import { useState } from 'preact/hooks';
import { call, describe } from '../api';
import { AsyncView, Message, useLoad } from '../components/async_view';

interface Export {
  id: string;
  created_at: string;
  finished_at?: string | null;
  status: 'running' | 'complete' | 'failed';
  error?: string;
  params: { format: string; limit: number; strategies: { strategy: string }[] };
  counts: { images?: number; per_strategy?: Record<string, number>; dropped?: Record<string, number> };
  archive_url: string;
}

const STRATEGIES = ['uncertain', 'feedback', 'outliers', 'drifted', 'stratified', 'random'];
const FORMATS = ['coco', 'yolo', 'wider', 'labelstudio'];

function NewExport(props: { onStarted: () => void }) {
  const [chosen, setChosen] = useState<string[]>(['uncertain', 'random']);
  const [format, setFormat] = useState('coco');
  const [limit, setLimit] = useState('1000');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const toggle = (name: string) =>
    setChosen(chosen.includes(name) ? chosen.filter((s) => s !== name) : [...chosen, name]);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const started = await call<Export>('/v1/exports', {
        method: 'POST',
        body: { strategies: chosen, format, limit: Number(limit) },
      });
      setMessage({ kind: 'ok', text: `Export ${started.id} started.` });
      props.onStarted();
    } catch (err) {
      setMessage({ kind: 'error', text: describe(err) });
    }
  };
  return (
    <form onSubmit={submit} aria-label="New export">
      <fieldset>
        <legend>Strategies</legend>
        {STRATEGIES.map((name) => (
          <label key={name} class="inline">
            <input type="checkbox" checked={chosen.includes(name)} onChange={() => toggle(name)} /> {name}
          </label>
        ))}
      </fieldset>
      <label for="export-format">Format</label>
      <select id="export-format" value={format} onChange={(e) => setFormat(e.currentTarget.value)}>
        {FORMATS.map((f) => (
          <option key={f} value={f}>
            {f}
          </option>
        ))}
      </select>
      <label for="export-limit">Most images</label>
      <input id="export-limit" type="number" min={1} value={limit} onInput={(e) => setLimit(e.currentTarget.value)} />
      <button type="submit" disabled={chosen.length === 0}>
        Start export
      </button>
      {message && <Message kind={message.kind} text={message.text} />}
    </form>
  );
}

function Row(props: { e: Export }) {
  const { e } = props;
  const strategies = e.params.strategies.map((s) => s.strategy).join(', ');
  return (
    <li>
      <strong>{e.id}</strong> <span class={`state ${e.status}`}>{e.status}</span>{' '}
      <span class="hint">
        {e.params.format}, {strategies}; started {new Date(e.created_at).toLocaleString()}
        {e.counts.images !== undefined && `; ${e.counts.images} image${e.counts.images === 1 ? '' : 's'}`}
      </span>
      {e.status === 'complete' && (
        <>
          {' '}
          <a href={e.archive_url} download={`${e.id}.tar`}>
            Download (tar)
          </a>
        </>
      )}
      {e.status === 'failed' && <Message kind="error" text={e.error ?? 'failed'} />}
    </li>
  );
}

export function ExportsPage() {
  const list = useLoad(() => call<{ exports: Export[]; next_cursor: string | null }>('/v1/exports?limit=20'), []);
  return (
    <section>
      <h1>Dataset exports</h1>
      <NewExport onStarted={list.reload} />
      <h2>Recent exports</h2>
      <button type="button" onClick={list.reload}>
        Refresh
      </button>
      <AsyncView state={list} label="exports">
        {(data) => (
          <>
            {data.exports.length === 0 && <p>No exports yet.</p>}
            <ul class="exports">
              {data.exports.map((e) => (
                <Row key={e.id} e={e} />
              ))}
            </ul>
          </>
        )}
      </AsyncView>
    </section>
  );
}
