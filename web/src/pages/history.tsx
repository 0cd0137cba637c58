import { useState } from 'preact/hooks';
import { call, navigate } from '../api';
import { AsyncView, useLoad } from '../components/async_view';

export interface RecordSummary {
  id: string;
  received_at: string;
  status: number;
  model: { name: string; version: string };
  face_count: number;
  confidence: { min: number | null; mean: number | null; max: number | null };
  timing_ms: { total: number | null };
  image: { bytes: number; url: string };
}

interface Filters {
  from: string;
  to: string;
  min_confidence: string;
  max_confidence: string;
  min_faces: string;
  max_faces: string;
}

const EMPTY: Filters = { from: '', to: '', min_confidence: '', max_confidence: '', min_faces: '', max_faces: '' };

function query(filters: Filters, cursor?: string): string {
  const q = new URLSearchParams({ limit: '20' });
  if (filters.from) q.set('from', new Date(filters.from).toISOString());
  if (filters.to) q.set('to', new Date(filters.to).toISOString());
  if (filters.min_confidence) q.set('min_confidence', filters.min_confidence);
  if (filters.max_confidence) q.set('max_confidence', filters.max_confidence);
  if (filters.min_faces) q.set('min_faces', filters.min_faces);
  if (filters.max_faces) q.set('max_faces', filters.max_faces);
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}

export function HistoryPage() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  // The cursors of the pages before this one, so "Newer" can go back.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(
    () => call<{ requests: RecordSummary[]; next_cursor: string | null }>(`/v1/requests?${query(filters, cursor)}`),
    [filters, cursor],
  );
  const field = (name: keyof Filters, label: string, type: string, extra: Record<string, string> = {}) => (
    <div>
      <label for={`filter-${name}`}>{label}</label>
      <input id={`filter-${name}`} type={type} {...extra} value={draft[name]} onInput={(e) => setDraft({ ...draft, [name]: e.currentTarget.value })} />
    </div>
  );
  return (
    <section>
      <h1>History</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setCursors([]);
          setFilters(draft);
        }}
      >
        {field('from', 'From', 'datetime-local')}
        {field('to', 'To', 'datetime-local')}
        {field('min_confidence', 'Min confidence', 'number', { min: '0', max: '1', step: '0.01' })}
        {field('max_confidence', 'Max confidence', 'number', { min: '0', max: '1', step: '0.01' })}
        {field('min_faces', 'Faces at least', 'number', { min: '0', step: '1' })}
        {field('max_faces', 'Faces at most', 'number', { min: '0', step: '1' })}
        <button type="submit">Filter</button>
      </form>
      <AsyncView state={page} label="history">
        {(data) => (
          <>
            {data.requests.length === 0 && <p>No requests match.</p>}
            <ul class="history">
              {data.requests.map((r) => (
                  <li key={r.id}>
                    <a href={`/history/${r.id}`} onClick={(e) => (e.preventDefault(), navigate(`/history/${r.id}`))}>
                      {r.image.bytes > 0 ? (
                        <img src={r.image.url} alt="" loading="lazy" width={96} height={96} />
                      ) : (
                        <span class="noimage" aria-hidden="true">
                          {r.status}
                        </span>
                      )}
                      <span>
                        <strong>{new Date(r.received_at).toLocaleString()}</strong>
                        <br />
                        {r.status === 200
                          ? `${r.face_count} ${r.face_count === 1 ? 'face' : 'faces'}${r.confidence.max !== null ? `, best ${r.confidence.max.toFixed(3)}` : ''}`
                          : `failed (${r.status})`}
                        <br />
                        <code>{r.id}</code>
                      </span>
                    </a>
                  </li>
                ))}
            </ul>
            <div class="inline">
              <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
                Newer
              </button>
              <button type="button" disabled={!data.next_cursor} onClick={() => setCursors([...cursors, data.next_cursor!])}>
                Older
              </button>
            </div>
          </>
        )}
      </AsyncView>
    </section>
  );
}
