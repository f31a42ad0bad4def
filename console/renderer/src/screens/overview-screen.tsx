/** Overview: headline figures, unsynchronised access, mapping health, and the outbox chart. */
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
        <table>
          <caption className="sr-only">Per mapping: recent events, pending outbox, dead letters, last event, open findings</caption>
          <thead><tr><th>Mapping</th><th>Connectors</th><th>Events</th><th>Pending</th><th>Dead letters</th><th>Last event</th><th>Unresolved</th></tr></thead>
          <tbody>
            {(mh.data?.mappings ?? []).map((m) => (
              <tr key={m.mapping}>
                <td>{m.mapping}</td><td>{m.connectors.join(', ')}</td><td>{m.recentEvents}</td><td>{m.pending}</td>
                <td className={m.deadLetters > 0 ? 'bad' : ''}>{m.deadLetters}</td><td>{when(m.lastEventAt)}</td><td>{m.openFindings}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>Connectors</h3>
        <table>
          <thead><tr><th>Connector</th><th>Kind</th><th>Events</th><th>Pending</th><th>Dead letters</th><th>Last event</th><th>Last delivery</th></tr></thead>
          <tbody>
            {(mh.data?.connectors ?? []).map((c) => (
              <tr key={c.connectorId}>
                <td>{c.connectorId}</td><td>{c.kind ?? 'unconfigured'}</td><td>{c.recentEvents}</td><td>{c.pending}</td>
                <td className={c.deadLetters > 0 ? 'bad' : ''}>{c.deadLetters}</td><td>{when(c.lastEventAt)}</td><td>{when(c.lastDeliveredAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
