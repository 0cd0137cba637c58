// Analysts and admins: the stored reports (GET /v1/reports), and one report's numbers and charts
// drawn from its JSON (GET /v1/reports/{id}). The API serves no e-mail HTML, so there is no link to it.
import { useState } from 'preact/hooks';
import { call, navigate } from '../api';
import { AsyncView, useLoad } from '../components/async_view';
import { TimeChart } from '../components/chart';
import { CurveChart } from '../components/curve_chart';

interface Entry {
  id: string;
  period: string;
  first_day: string;
  time_zone: string;
  created_at: string;
  sent_at: string | null;
  requests: number;
}
type Num = number | null | undefined;
interface Distribution {
  count: number;
  mean?: Num;
  p10?: Num;
  p50?: Num;
  p90?: Num;
  p95?: Num;
}
interface Slice {
  model_name: string;
  model_version: string;
  requests: number;
  errors: number;
  faces: number;
  no_face: number;
  latency_ms: Distribution;
  confidence: Distribution;
}
interface Report {
  id: string;
  period: string;
  first_day: string;
  time_zone: string;
  start: string;
  end: string;
  users: { unique: number; returning: number };
  all: Slice;
  models: Slice[];
  confidence_change: { mean_delta?: Num; p10_delta?: Num; p50_delta?: Num };
  series: { start: string; requests: number; confidence_mean?: Num; confidence_p10?: Num }[];
  correlations: { field: string; target: string; n: number; spearman: number; sentence: string; curve: { x_min: number; x_max: number; mean: number; count: number }[] }[];
  drift: { feature: string; verdict: string; psi?: Num }[];
  outliers: { request_id: string; score: number; reasons: string[] }[];
  feedback: { total: number; correct: number; partly_correct: number; incorrect: number; mean_rating?: Num };
  sent_at: string | null;
}

const fmt = (v: Num, digits = 3) => (v === null || v === undefined ? '—' : v.toFixed(digits));
const go = (to: string) => (e: Event) => (e.preventDefault(), navigate(to));

export function ReportsPage() {
  const [period, setPeriod] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const list = useLoad(() => {
    const q = new URLSearchParams({ limit: '20' });
    if (period) q.set('period', period);
    if (cursor) q.set('cursor', cursor);
    return call<{ reports: Entry[]; next_cursor: string | null }>(`/v1/reports?${q}`);
  }, [period, cursor]);
  return (
    <section>
      <h1>Reports</h1>
      <label for="report-period">Period</label>
      <select id="report-period" value={period} onChange={(e) => (setCursors([]), setPeriod(e.currentTarget.value))}>
        <option value="">all</option>
        <option value="day">daily</option>
        <option value="week">weekly</option>
        <option value="month">monthly</option>
      </select>
      <AsyncView state={list} label="reports">
        {(data) => (
          <>
            {data.reports.length === 0 && <p>No reports yet: one is built after each day, week and month ends.</p>}
            <ul class="reports">
              {data.reports.map((r) => (
                <li key={r.id}>
                  <a href={`/reports/${r.id}`} onClick={go(`/reports/${r.id}`)}>
                    {r.period} from {r.first_day} ({r.time_zone})
                  </a>{' '}
                  <span class="hint">
                    {r.requests} requests; {r.sent_at ? `e-mailed ${new Date(r.sent_at).toLocaleString()}` : 'not e-mailed'}
                  </span>
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

function Numbers(props: { r: Report }) {
  const { r } = props;
  const rows: [string, string][] = [
    ['Requests', `${r.all.requests} (${r.all.errors} failed, ${r.all.no_face} without a face)`],
    ['Faces', String(r.all.faces)],
    ['Users', `${r.users.unique} (${r.users.returning} returning)`],
    ['Confidence mean / p10 / p50', `${fmt(r.all.confidence.mean)} / ${fmt(r.all.confidence.p10)} / ${fmt(r.all.confidence.p50)}`],
    ['Change from the period before (mean)', fmt(r.confidence_change.mean_delta)],
    ['Latency p50 / p95 (ms)', `${fmt(r.all.latency_ms.p50, 1)} / ${fmt(r.all.latency_ms.p95, 1)}`],
    ['Feedback', `${r.feedback.total}: ${r.feedback.correct} correct, ${r.feedback.partly_correct} partly, ${r.feedback.incorrect} wrong`],
    ['E-mailed', r.sent_at ? new Date(r.sent_at).toLocaleString() : 'not yet'],
  ];
  return (
    <dl class="facts" data-testid="report-numbers">
      {rows.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}

function Charts(props: { r: Report }) {
  const { r } = props;
  const times = r.series.map((p) => Date.parse(p.start) / 1000);
  return (
    <div class="charts">
      <TimeChart title="Requests" times={times} series={[{ label: 'requests', values: r.series.map((p) => p.requests), color: '#1565c0' }]} />
      <TimeChart
        title="Confidence (mean, p10)"
        times={times}
        series={[
          { label: 'mean', values: r.series.map((p) => p.confidence_mean ?? null), color: '#6a1b9a' },
          { label: 'p10', values: r.series.map((p) => p.confidence_p10 ?? null), color: '#00838f' },
        ]}
      />
      {r.correlations.map((c) => (
        <CurveChart
          key={c.field}
          title={c.sentence}
          xLabel={c.field}
          xs={c.curve.map((p) => (p.x_min + p.x_max) / 2)}
          series={[{ label: `${c.target} mean`, values: c.curve.map((p) => p.mean), color: '#ef6c00' }]}
        />
      ))}
    </div>
  );
}

export function ReportPage(props: { id: string }) {
  const report = useLoad(() => call<Report>(`/v1/reports/${encodeURIComponent(props.id)}`), [props.id]);
  return (
    <section>
      <p>
        <a href="/reports" onClick={go('/reports')}>
          ← All reports
        </a>
      </p>
      <AsyncView state={report} label="the report">
        {(r) => (
          <>
            <h1>
              {r.period} report from {r.first_day}
            </h1>
            <p class="hint">
              {new Date(r.start).toLocaleString()} to {new Date(r.end).toLocaleString()} ({r.time_zone})
            </p>
            <Numbers r={r} />
            <h2>Charts</h2>
            <Charts r={r} />
            <div class="scroll" tabIndex={0} role="region" aria-label="Drift table">
              <table>
                <caption>Drift against the period before</caption>
                <thead>
                  <tr>
                    <th scope="col">Feature</th>
                    <th scope="col">Verdict</th>
                    <th scope="col">PSI</th>
                  </tr>
                </thead>
                <tbody>
                  {r.drift.map((d) => (
                    <tr key={d.feature}>
                      <td>{d.feature}</td>
                      <td class={`verdict ${d.verdict}`}>{d.verdict.replace('_', ' ')}</td>
                      <td>{fmt(d.psi)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <h2>Most unusual requests</h2>
            {r.outliers.length === 0 ? (
              <p>None.</p>
            ) : (
              <ul>
                {r.outliers.map((o) => (
                  <li key={o.request_id}>
                    <a href={`/history/${o.request_id}`} onClick={go(`/history/${o.request_id}`)}>
                      {o.request_id}
                    </a>{' '}
                    score {o.score.toFixed(2)}: {o.reasons.join('; ')}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </AsyncView>
    </section>
  );
}
