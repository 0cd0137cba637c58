import { call } from '../api';
import { AsyncView, useLoad } from '../components/async_view';
import { TimeChart } from '../components/chart';
import { CurveChart } from '../components/curve_chart';

interface Bucket {
  start: string;
  requests: number;
  errors: number;
  faces: number;
  confidence: { mean: number | null; p50: number | null };
  users: { unique: number; returning: number; new: number };
}
interface Summary {
  buckets: Bucket[];
  total: Bucket;
}
interface Share {
  count: number;
  share: number | null;
}
interface FeedbackBucket {
  start: string;
  count: number;
  correct: Share;
  partly_correct: Share;
  incorrect: Share;
  models?: { name: string; version: string; count: number; correct: Share }[];
}
interface Drift {
  features: { feature: string; psi: number | null; ks: number | null; mean_shift: number | null; verdict: string }[];
}
interface Correlations {
  correlations: { field: string; target: string; n: number; spearman: { r: number } | null; deciles: { decile: number; min: number; max: number; mean: number | null }[] }[];
}
interface Outliers {
  outliers: { id: string; score: number; image_url: string | null; reasons: { kind: string; feature?: string }[] }[];
}

const seconds = (t: string) => Date.parse(t) / 1000;
const fmt = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '—' : v.toFixed(digits));
const pct = (s: Share) => (s.share === null ? '—' : `${(s.share * 100).toFixed(0)} %`);

function SummaryPanel() {
  const summary = useLoad(() => call<Summary>('/v1/insights/summary?bucket=day'), []);
  return (
    <AsyncView state={summary} label="the summary">
      {(s) => {
        const times = s.buckets.map((b) => seconds(b.start));
        return (
          <>
            <p data-testid="summary-total">
              {s.total.requests} requests, {s.total.faces} faces, {s.total.users.unique} users ({s.total.users.returning} returning) in the last 7 days.
            </p>
            <div class="charts">
              <TimeChart
                title="Requests and users per day"
                times={times}
                series={[
                  { label: 'requests', values: s.buckets.map((b) => b.requests), color: '#1565c0' },
                  { label: 'unique users', values: s.buckets.map((b) => b.users.unique), color: '#2e7d32' },
                  { label: 'returning users', values: s.buckets.map((b) => b.users.returning), color: '#ef6c00' },
                ]}
              />
              <TimeChart
                title="Confidence per day (mean, median)"
                times={times}
                series={[
                  { label: 'mean', values: s.buckets.map((b) => b.confidence.mean), color: '#6a1b9a' },
                  { label: 'median', values: s.buckets.map((b) => b.confidence.p50), color: '#00838f' },
                ]}
              />
            </div>
          </>
        );
      }}
    </AsyncView>
  );
}

function FeedbackPanel() {
  const feedback = useLoad(() => call<{ total: FeedbackBucket }>('/v1/insights/feedback?bucket=day'), []);
  return (
    <AsyncView state={feedback} label="feedback accuracy">
      {(f) => (
        <div class="scroll" tabIndex={0}>
          <table data-testid="feedback-table">
            <caption>Feedback, last 7 days</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Feedback</th>
                <th scope="col">Correct</th>
                <th scope="col">Partly</th>
                <th scope="col">Wrong</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">all</th>
                <td data-testid="feedback-count">{f.total.count}</td>
                <td>{pct(f.total.correct)}</td>
                <td>{pct(f.total.partly_correct)}</td>
                <td>{pct(f.total.incorrect)}</td>
              </tr>
            </tbody>
          </table>
        </div>
      )}
    </AsyncView>
  );
}

function DriftPanel() {
  const drift = useLoad(() => call<Drift>('/v1/insights/drift'), []);
  return (
    <AsyncView state={drift} label="drift">
      {(d) => (
        <div class="scroll" tabIndex={0}>
          <table>
            <caption>Drift: last 24 hours against the 7 days before</caption>
            <thead>
              <tr>
                <th scope="col">Feature</th>
                <th scope="col">Verdict</th>
                <th scope="col">PSI</th>
                <th scope="col">KS</th>
                <th scope="col">Mean shift</th>
              </tr>
            </thead>
            <tbody>
              {d.features.map((f) => (
                <tr key={f.feature}>
                  <td>{f.feature}</td>
                  <td class={`verdict ${f.verdict}`}>{f.verdict.replace('_', ' ')}</td>
                  <td>{fmt(f.psi)}</td>
                  <td>{fmt(f.ks)}</td>
                  <td>{fmt(f.mean_shift, 2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </AsyncView>
  );
}

type Pair = Correlations['correlations'][number];

/// The curves of the fields that go most with confidence: the best face's confidence, mean per decile.
function CorrelationCurves(props: { pairs: Pair[] }) {
  const strongest = props.pairs
    .filter((p) => p.spearman && p.deciles.length > 1)
    .sort((a, b) => Math.abs(b.spearman!.r) - Math.abs(a.spearman!.r))
    .slice(0, 4);
  if (strongest.length === 0) return <p>Not enough requests yet for correlation curves.</p>;
  return (
    <div class="charts" data-testid="correlation-curves">
      {strongest.map((p) => (
        <CurveChart
          key={p.field}
          title={`Confidence by ${p.field} (r ${fmt(p.spearman?.r, 2)}, n ${p.n})`}
          xLabel={p.field}
          xs={p.deciles.map((d) => (d.min + d.max) / 2)}
          series={[{ label: 'mean confidence', values: p.deciles.map((d) => d.mean), color: '#ef6c00' }]}
        />
      ))}
    </div>
  );
}

function CorrelationsPanel() {
  const correlations = useLoad(() => call<Correlations>('/v1/insights/correlations'), []);
  return (
    <AsyncView state={correlations} label="correlations">
      {(c) => {
        const pairs = c.correlations.filter((p) => p.target === 'confidence_max');
        return (
          <>
            <CorrelationCurves pairs={pairs} />
            <div class="scroll" tabIndex={0}>
              <table>
                <caption>What goes with confidence (Spearman r; target mean per decile of the field)</caption>
                <thead>
                  <tr>
                    <th scope="col">Field</th>
                    <th scope="col">Target</th>
                    <th scope="col">n</th>
                    <th scope="col">r</th>
                    <th scope="col">Decile means</th>
                  </tr>
                </thead>
                <tbody>
                  {pairs.map((p) => (
                    <tr key={p.field}>
                      <td>{p.field}</td>
                      <td>{p.target}</td>
                      <td>{p.n}</td>
                      <td>{fmt(p.spearman?.r, 2)}</td>
                      <td>{p.deciles.map((d) => fmt(d.mean, 2)).join(' · ') || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        );
      }}
    </AsyncView>
  );
}

function OutliersPanel() {
  const outliers = useLoad(() => call<Outliers>('/v1/insights/outliers?limit=12'), []);
  return (
    <AsyncView state={outliers} label="outliers">
      {(o) =>
        o.outliers.length === 0 ? (
          <p>No outliers in the last 7 days (each criterion needs 30 reference requests).</p>
        ) : (
          <ul class="gallery">
            {o.outliers.map((x) => (
              <li key={x.id}>
                {x.image_url ? <img src={x.image_url} alt={`Outlier ${x.id}`} loading="lazy" width={120} height={120} /> : null}
                <span>
                  score {x.score.toFixed(2)}: {x.reasons.map((r) => r.feature ?? r.kind).join(', ')}
                </span>
              </li>
            ))}
          </ul>
        )
      }
    </AsyncView>
  );
}

export function InsightsPage() {
  return (
    <section>
      <h1>Insights</h1>
      <h2>Volume and users</h2>
      <SummaryPanel />
      <h2>Feedback accuracy</h2>
      <FeedbackPanel />
      <h2>Drift</h2>
      <DriftPanel />
      <h2>Correlations</h2>
      <CorrelationsPanel />
      <h2>Outliers</h2>
      <OutliersPanel />
    </section>
  );
}
