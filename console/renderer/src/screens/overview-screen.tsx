/** Overview: headline figures, unsynchronised access, mapping health, and the outbox chart. */
import type { HealthErrors, HealthLag, HealthStatus } from '../../../shared/api-types.ts';
import { OutboxChart } from '../components/outbox-chart.tsx';
import { ErrorNote, ScreenHeader, SeverityBadge, Stat, when } from '../components/ui.tsx';
import { useLoad } from '../use-load.ts';

const UNSYNC = new Set(['pam-grant-without-entitlement', 'revocation-pending', 'elevation-overstay', 'mapping-unresolved']);

export function OverviewScreen() {
  const health = useLoad((api) => api.health(), []);
  const mh = useLoad((api) => api.mappingHealth(), []);
  const unsync = useLoad((api) => api.listFindings({ status: 'open', sort: 'severity', order: 'desc', count: 50 }), []);
  const h = health.data;
  return (
    <div>
      <ScreenHeader title="Overview" />
      <ErrorNote error={health.error ?? mh.error} />
      {h ? (
        <div className="stats">
          <Stat label="Unsynchronised access" value={h.unsynchronised} tone={h.unsynchronised > 0 ? 'bad' : 'ok'} />
          <Stat label="Open findings" value={h.findings.open} tone={h.findings.open > 0 ? 'warn' : 'ok'} />
          <Stat label="Open conflicts" value={h.conflicts.open} tone={h.conflicts.open > 0 ? 'warn' : 'ok'} />
          <Stat label="Dead letters" value={h.outbox.abandoned ?? 0} tone={(h.outbox.abandoned ?? 0) > 0 ? 'bad' : 'ok'} />
          <Stat label="Mappings loaded" value={h.mappings.count} tone={h.mappings.error ? 'bad' : 'ok'} />
          <Stat label="Gateway" value={h.ready ? 'ready' : 'not ready'} tone={h.ready ? 'ok' : 'bad'} />
        </div>
      ) : null}
      <div className="grid-2">
        <section className="card" aria-labelledby="unsync-title">
          <h2 id="unsync-title">Unsynchronised access</h2>
          <ul className="plain-list">
            {(unsync.data?.items ?? []).filter((f) => UNSYNC.has(f.kind)).map((f) => (
              <li key={f.id}><SeverityBadge severity={f.severity} /> <a href={`#/findings/${f.id}`}>{f.summary}</a></li>
            ))}
          </ul>
          {unsync.data && !unsync.data.items.some((f) => UNSYNC.has(f.kind)) ? <p className="muted">IGA and PAM agree.</p> : null}
        </section>
        <section className="card" aria-labelledby="outbox-title">
          <h2 id="outbox-title">Outbox</h2>
          {mh.data ? <OutboxChart connectors={mh.data.connectors} /> : null}
        </section>
      </div>
      <section className="card" aria-labelledby="mh-title">
        <h2 id="mh-title">Mapping health</h2>
        {mh.data ? (
          <p className="muted">
            Sync engine: <HealthBadge status={mh.data.syncEngine.status} reasons={mh.data.syncEngine.reasons} />{' '}
            {mh.data.syncEngine.behind === 0 ? 'up to date' : `${mh.data.syncEngine.behind} events behind (oldest ${age(mh.data.syncEngine.oldestUnconsumedAgeSeconds)})`}
            {' · '}errors over the last {mh.data.errorWindow.hours} h
          </p>
        ) : null}
        <table>
          <caption className="sr-only">Per mapping: status, recent events, intake and outbound lag, errors, pending outbox, dead letters, last event, last delivery, open findings</caption>
          <thead><tr><th>Mapping</th><th>Status</th><th>Connectors</th><th>Events</th><th>Intake lag</th><th>Outbound lag</th><th>Errors</th><th>Pending</th><th>Dead letters</th><th>Last event</th><th>Last delivery</th><th>Unresolved</th></tr></thead>
          <tbody>
            {(mh.data?.mappings ?? []).map((m) => (
              <tr key={m.mapping}>
                <td>{m.mapping}</td><td><HealthBadge status={m.status} reasons={m.reasons} /></td><td>{m.connectors.join(', ')}</td><td>{m.recentEvents}</td>
                <LagCells lag={m.lag} /><ErrorsCell errors={m.errors} /><td>{m.pending}</td>
                <td className={m.deadLetters > 0 ? 'bad' : ''}>{m.deadLetters}</td><td>{when(m.lastEventAt)}</td><td>{when(m.lastDeliveredAt)}</td><td>{m.openFindings}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>Connectors</h3>
        <table>
          <caption className="sr-only">Per connector: status, recent events, intake and outbound lag, errors, pending outbox, dead letters, last event, last delivery</caption>
          <thead><tr><th>Connector</th><th>Status</th><th>Kind</th><th>Events</th><th>Intake lag</th><th>Outbound lag</th><th>Errors</th><th>Pending</th><th>Dead letters</th><th>Last event</th><th>Last delivery</th></tr></thead>
          <tbody>
            {(mh.data?.connectors ?? []).map((c) => (
              <tr key={c.connectorId}>
                <td>{c.connectorId}</td><td><HealthBadge status={c.status} reasons={c.reasons} /></td><td>{c.kind ?? 'unconfigured'}</td><td>{c.recentEvents}</td>
                <LagCells lag={c.lag} /><ErrorsCell errors={c.errors} /><td>{c.pending}</td>
                <td className={c.deadLetters > 0 ? 'bad' : ''}>{c.deadLetters}</td><td>{when(c.lastEventAt)}</td><td>{when(c.lastDeliveredAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

/** "45 s", "7 min", "3 h" (as the gateway words its reasons). */
function age(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h`;
}

/** ok / degraded / failing; the reasons are its tooltip. */
function HealthBadge({ status, reasons }: { status: HealthStatus; reasons: readonly string[] }) {
  return <span className={`badge health-${status}`} title={reasons.length > 0 ? reasons.join('\n') : 'no problems'}>{status}</span>;
}

/** Intake: inbox deliveries not processed yet (oldest's age); outbound: outbox messages not delivered yet (oldest's age, oldest due). */
function LagCells({ lag }: { lag: HealthLag }) {
  const outTitle = lag.outboundOldestDueAgeSeconds === undefined ? 'none due now' : `oldest due now: ${age(lag.outboundOldestDueAgeSeconds)}`;
  return (
    <>
      <td title="inbox deliveries not processed yet (age of the oldest)">{lag.intakePending === 0 ? '—' : `${lag.intakePending} (${age(lag.intakeOldestAgeSeconds)})`}</td>
      <td title={outTitle}>{lag.outboundUndelivered === 0 ? '—' : `${lag.outboundUndelivered} (${age(lag.outboundOldestAgeSeconds)})`}</td>
    </>
  );
}

/** Errors in the window with the rate; the newest inbox and outbox errors are its tooltip. */
function ErrorsCell({ errors }: { errors: HealthErrors }) {
  const last = [errors.lastInboxError, errors.lastOutboxError].filter((e) => e !== undefined).map((e) => `${e.status} ${when(e.at)}: ${e.error}`);
  const text = errors.rate === null ? String(errors.errors) : `${errors.errors} (${Math.round(errors.rate * 100)}%)`;
  return <td className={errors.errors > 0 ? 'bad' : ''} title={last.length > 0 ? last.join('\n') : 'no errors'}>{text}</td>;
}
