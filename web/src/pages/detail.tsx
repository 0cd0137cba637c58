import { useState } from 'preact/hooks';
import { call, describe, session } from '../api';
import { AsyncView, Message, useLoad } from '../components/async_view';
import { type Box, type Face, FacesCanvas } from '../components/faces_canvas';
import { useSignal } from '../signal';
import type { RecordSummary } from './history';

interface Feedback {
  user_id: string;
  verdict: 'correct' | 'partly_correct' | 'incorrect';
  wrong_faces: number[];
  missed_faces: Box[];
}

interface RecordDetail extends RecordSummary {
  user_id: string;
  metadata: Record<string, number | string | boolean>;
  faces: Face[];
  feedback: Feedback[];
}

const VERDICTS = [
  ['correct', 'Correct'],
  ['partly_correct', 'Partly correct'],
  ['incorrect', 'Wrong'],
] as const;

function FeedbackForm(props: { record: RecordDetail; onSaved: () => void }) {
  const me = useSignal(session)!.user.id;
  const mine = props.record.feedback.find((f) => f.user_id === me);
  const [wrong, setWrong] = useState<number[]>(mine?.wrong_faces ?? []);
  const [missed, setMissed] = useState<Box[]>(mine?.missed_faces ?? []);
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string }>();
  const give = async (verdict: Feedback['verdict']) => {
    const body = verdict === 'correct' ? { verdict } : { verdict, wrong_faces: wrong, missed_faces: missed };
    try {
      await call(`/v1/requests/${encodeURIComponent(props.record.id)}/feedback`, { method: 'PUT', body });
      setMessage({ kind: 'ok', text: 'Thank you: feedback saved.' });
      props.onSaved();
    } catch (err) {
      setMessage({ kind: 'error', text: describe(err) });
    }
  };
  const toggle = (i: number) => setWrong(wrong.includes(i) ? wrong.filter((w) => w !== i) : [...wrong, i].sort((a, b) => a - b));
  const round = (b: Box): Box => ({ x: Math.round(b.x), y: Math.round(b.y), width: Math.max(1, Math.round(b.width)), height: Math.max(1, Math.round(b.height)) });
  return (
    <>
      {props.record.image.bytes > 0 && (
        <FacesCanvas
          src={props.record.image.url}
          faces={props.record.faces}
          wrong={wrong}
          missed={missed}
          label={`Stored image with ${props.record.faces.length} detected faces. Click a face to mark it wrong; drag to draw a missed face.`}
          onToggleWrong={toggle}
          onDrawMissed={(b) => setMissed([...missed, round(b)])}
        />
      )}
      <p class="hint">Click a box to mark a wrong face; drag on the picture to draw a face the detector missed.</p>
      <fieldset>
        <legend>Was the detection right?</legend>
        {props.record.faces.map((_, i) => (
          <label key={i} class="check">
            <input type="checkbox" checked={wrong.includes(i)} onChange={() => toggle(i)} /> face {i + 1} is not a face
          </label>
        ))}
        {missed.length > 0 && (
          <p>
            {missed.length} missed {missed.length === 1 ? 'face' : 'faces'} drawn.{' '}
            <button type="button" onClick={() => setMissed([])}>
              Clear drawn boxes
            </button>
          </p>
        )}
        <div class="inline">
          {VERDICTS.map(([verdict, label]) => (
            <button type="button" key={verdict} aria-pressed={mine?.verdict === verdict} onClick={() => give(verdict)}>
              {label}
            </button>
          ))}
        </div>
      </fieldset>
      <Message kind={message?.kind ?? 'ok'} text={message?.text} />
    </>
  );
}

export function DetailPage(props: { id: string }) {
  const record = useLoad(() => call<RecordDetail>(`/v1/requests/${encodeURIComponent(props.id)}`), [props.id]);
  return (
    <section>
      <h1>Request</h1>
      <AsyncView state={record} label="the request">
        {(r) => (
          <>
            <dl class="facts">
              <dt>Request id</dt>
              <dd>
                <code>{r.id}</code>
              </dd>
              <dt>Received</dt>
              <dd>{new Date(r.received_at).toLocaleString()}</dd>
              <dt>Status</dt>
              <dd>{r.status}</dd>
              <dt>Model</dt>
              <dd>
                {r.model.name} {r.model.version}
              </dd>
              <dt>Faces</dt>
              <dd>{r.face_count}</dd>
              <dt>Total time</dt>
              <dd>{r.timing_ms.total === null ? '—' : `${r.timing_ms.total.toFixed(1)} ms`}</dd>
            </dl>
            {r.status === 200 ? <FeedbackForm record={r} onSaved={record.reload} /> : <p>The request failed; there is no image.</p>}
            <details>
              <summary>Image metadata</summary>
              <dl class="facts">
                {Object.entries(r.metadata).map(([k, v]) => (
                  <>
                    <dt>{k}</dt>
                    <dd>{String(v)}</dd>
                  </>
                ))}
              </dl>
            </details>
          </>
        )}
      </AsyncView>
    </section>
  );
}
