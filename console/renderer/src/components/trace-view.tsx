/** A dry-run trace as an ordered list of steps: what matched, what did not and why, and the planned calls. */
import type { Trace } from '../../../shared/api-types.ts';

const MARK = { ok: '✓', matched: '✓', 'not-matched': '·', failed: '✗', info: 'i' } as const;

export function TraceView({ trace }: { trace: Trace }) {
  return (
    <section aria-label="Dry-run trace" className="trace">
      <ol className="trace-steps">
        {trace.steps.map((s, i) => (
          <li key={i} className={`trace-step outcome-${s.outcome}`}>
            <span className="trace-mark" aria-hidden="true">{MARK[s.outcome]}</span>
            <span className="trace-kind">{s.step}</span>
            <span className="trace-outcome">{s.outcome}</span>
            <pre className="trace-detail">{s.detail}</pre>
            {s.where ? <span className="trace-where">{s.where}</span> : null}
          </li>
        ))}
      </ol>
      <h3>Planned calls ({trace.requests.length})</h3>
      {trace.requests.length === 0 ? <p className="muted">No outbound call would be made.</p> : (
        <ul className="trace-requests">
          {trace.requests.map((r, i) => (
            <li key={i}><strong>{r.action}</strong> on {r.connector}: <code>{JSON.stringify(r.request)}</code></li>
          ))}
        </ul>
      )}
    </section>
  );
}
