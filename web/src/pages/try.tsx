import { useEffect, useState } from 'preact/hooks';
import { call, describe } from '../api';
import { Message } from '../components/async_view';
import { type Face, FacesCanvas } from '../components/faces_canvas';

interface DetectAnswer {
  request_id: string;
  model: { name: string; version: string; mode: string };
  image: { width: number; height: number; format: string };
  faces: (Face & { quality?: { sharpness: number; brightness: number }; pose?: { roll: number; yaw: number; pitch: number }; size?: string })[];
  timing_ms: { decode: number; inference: number; total: number };
}

export function TryPage() {
  const [file, setFile] = useState<File>();
  const [url, setUrl] = useState<string>();
  const [mode, setMode] = useState('fast');
  const [answer, setAnswer] = useState<DetectAnswer>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const pick = (picked?: File | null) => {
    if (!picked) return;
    setFile(picked);
    setAnswer(undefined);
    setError(undefined);
  };
  useEffect(() => {
    if (!file) return;
    const objectUrl = URL.createObjectURL(file);
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [file]);
  useEffect(() => {
    const paste = (e: ClipboardEvent) => pick(Array.from(e.clipboardData?.files ?? [])[0]);
    addEventListener('paste', paste);
    return () => removeEventListener('paste', paste);
  }, []);

  const detect = async () => {
    if (!file) return;
    setBusy(true);
    setError(undefined);
    try {
      setAnswer(await call<DetectAnswer>(`/v1/detect?mode=${encodeURIComponent(mode)}`, { method: 'POST', raw: file }));
    } catch (err) {
      setAnswer(undefined);
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>Try it</h1>
      <div
        class="drop"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          pick(e.dataTransfer?.files[0]);
        }}
      >
        <p>Drop an image here, paste one, or pick a file (JPEG, PNG or WebP, up to 20 MB).</p>
        <label for="try-file">Image file</label>
        <input id="try-file" type="file" accept="image/jpeg,image/png,image/webp" onChange={(e) => pick(e.currentTarget.files?.[0])} />
      </div>
      <div class="inline">
        <label for="try-mode">Mode</label>
        <select id="try-mode" value={mode} onChange={(e) => setMode(e.currentTarget.value)}>
          <option value="fast">fast</option>
          <option value="accurate">accurate (small faces)</option>
          <option value="crowd">crowd (slowest, best recall)</option>
        </select>
        <button type="button" onClick={detect} disabled={!file || busy}>
          {busy ? 'Detecting…' : 'Detect faces'}
        </button>
      </div>
      <Message kind="error" text={error} />
      {answer && url && (
        <div class="result">
          <FacesCanvas src={url} faces={answer.faces} label={`${answer.faces.length} faces found`} />
          <p role="status" data-testid="face-count">
            {answer.faces.length} {answer.faces.length === 1 ? 'face' : 'faces'} found
          </p>
          <dl class="facts">
            <dt>Request id</dt>
            <dd>
              <code>{answer.request_id}</code>
            </dd>
            <dt>Image</dt>
            <dd>
              {answer.image.width} × {answer.image.height} {answer.image.format}
            </dd>
            <dt>Model</dt>
            <dd>
              {answer.model.name} ({answer.model.mode}) {answer.model.version}
            </dd>
            <dt>Timing</dt>
            <dd>
              decode {answer.timing_ms.decode} ms, inference {answer.timing_ms.inference} ms, total {answer.timing_ms.total} ms
            </dd>
          </dl>
          <div class="scroll" tabIndex={0}>
            <table>
              <caption>Faces</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Confidence</th>
                  <th scope="col">Box (x, y, w, h)</th>
                  <th scope="col">Size</th>
                  <th scope="col">Sharpness</th>
                  <th scope="col">Pose (roll, yaw, pitch)</th>
                </tr>
              </thead>
              <tbody>
                {answer.faces.map((f, i) => (
                  <tr key={i}>
                    <td>{i + 1}</td>
                    <td>{f.confidence.toFixed(4)}</td>
                    <td>
                      {[f.box.x, f.box.y, f.box.width, f.box.height].map((v) => v.toFixed(0)).join(', ')}
                    </td>
                    <td>{f.size ?? '—'}</td>
                    <td>{f.quality ? f.quality.sharpness.toFixed(2) : '—'}</td>
                    <td>{f.pose ? `${f.pose.roll.toFixed(0)}°, ${f.pose.yaw.toFixed(0)}°, ${f.pose.pitch.toFixed(0)}°` : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
