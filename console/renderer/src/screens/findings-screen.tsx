/** Findings: filter, sort and page on the server; a detail panel with framework tags, evidence and ledger. */
import { Fragment, useState } from 'react';
import type { FindingsQuery } from '../../../shared/api-types.ts';
import { ErrorNote, Pager, ScreenHeader, SeverityBadge, StatusBadge, when } from '../components/ui.tsx';
import { useLoad } from '../use-load.ts';

const KINDS = ['pam-grant-without-entitlement', 'revocation-pending', 'entitlement-without-owner', 'review-overdue', 'elevation-overstay',
  'break-glass-unreviewed', 'nhi-without-owner', 'nhi-static-secret-stale', 'nhi-interactive-session', 'mapping-unresolved'] as const;
const PAGE = 20;

function FindingDetailPanel({ id }: { id: string }) {
  const detail = useLoad((api) => api.getFinding(id), [id]);
  const d = detail.data;
  return (
    <aside className="card detail" aria-label="Finding detail">
      <ErrorNote error={detail.error} />
      {d ? (
        <>
          <h2>{d.finding.summary}</h2>
          <p><SeverityBadge severity={d.finding.severity} /> <StatusBadge status={d.finding.status} /> <code>{d.finding.kind}</code></p>
          <dl className="facts">
            <dt>First seen</dt><dd>{when(d.finding.firstSeenAt)}</dd>
            <dt>Last seen</dt><dd>{when(d.finding.lastSeenAt)}</dd>
            {d.finding.exceptionUntil ? (<><dt>Excepted until</dt><dd>{when(d.finding.exceptionUntil)}</dd></>) : null}
            {Object.entries(d.finding.subject).map(([k, v]) => (<Fragment key={k}><dt>{k}</dt><dd>{v}</dd></Fragment>))}
          </dl>
          <h3>Framework controls</h3>
          <ul className="tags" aria-label="Framework tags">
            {d.tags.map((t) => <li key={t.id} className="tag" title={t.title}><strong>{t.id}</strong> {t.title}</li>)}
          </ul>
          <h3>Evidence</h3>
          <pre className="json">{JSON.stringify(d.finding.evidence, null, 2)}</pre>
          <h3>Ledger</h3>
          {d.ledger.length === 0 ? <p className="muted">No ledger entries about this finding.</p> : (
            <ol>{d.ledger.map((l) => <li key={l.seq}>#{l.seq} {when(l.at)} {l.actor}: {l.action}</li>)}</ol>
          )}
        </>
      ) : null}
    </aside>
  );
}

export function FindingsScreen({ selected }: { selected?: string | undefined }) {
  const [query, setQuery] = useState<FindingsQuery>({ status: 'open', sort: 'severity', order: 'desc', startIndex: 1, count: PAGE });
  const page = useLoad((api) => api.listFindings(query), [JSON.stringify(query)]);
  const set = (patch: Partial<FindingsQuery>) => setQuery((q) => ({ ...q, startIndex: 1, ...patch }));
  return (
    <div>
      <ScreenHeader title="Findings" />
      <form className="filters" aria-label="Filter findings" onSubmit={(e) => e.preventDefault()}>
        <label>Kind
          <select aria-label="Kind" value={query.kind ?? ''} onChange={(e) => set({ kind: (e.target.value || undefined) as FindingsQuery['kind'] })}>
            <option value="">any</option>
            {KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
          </select>
        </label>
        <label>Severity
          <select aria-label="Severity" value={query.severity ?? ''} onChange={(e) => set({ severity: (e.target.value || undefined) as FindingsQuery['severity'] })}>
            <option value="">any</option>
            {['critical', 'high', 'medium', 'low'].map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>Status
          <select aria-label="Status" value={query.status ?? ''} onChange={(e) => set({ status: (e.target.value || undefined) as FindingsQuery['status'] })}>
            <option value="">any</option>
            {['open', 'excepted', 'resolved'].map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>Sort by
          <select aria-label="Sort by" value={query.sort} onChange={(e) => set({ sort: e.target.value as FindingsQuery['sort'] })}>
            <option value="severity">severity</option><option value="lastSeenAt">last seen</option>
            <option value="firstSeenAt">first seen</option><option value="kind">kind</option>
          </select>
        </label>
        <label>Order
          <select aria-label="Order" value={query.order} onChange={(e) => set({ order: e.target.value as 'asc' | 'desc' })}>
            <option value="desc">descending</option><option value="asc">ascending</option>
          </select>
        </label>
      </form>
      <ErrorNote error={page.error} />
      <div className={selected ? 'split' : ''}>
        <div>
          <table aria-label="Findings">
            <thead><tr><th>Severity</th><th>Kind</th><th>Summary</th><th>Status</th><th>Last seen</th></tr></thead>
            <tbody>
              {(page.data?.items ?? []).map((f) => (
                <tr key={f.id} className={f.id === selected ? 'selected' : ''}>
                  <td><SeverityBadge severity={f.severity} /></td>
                  <td><code>{f.kind}</code></td>
                  <td><a href={`#/findings/${f.id}`}>{f.summary}</a></td>
                  <td><StatusBadge status={f.status} /></td>
                  <td>{when(f.lastSeenAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.data ? <Pager startIndex={page.data.startIndex} count={PAGE} total={page.data.totalResults} onPage={(startIndex) => setQuery((q) => ({ ...q, startIndex }))} /> : null}
        </div>
        {selected ? <FindingDetailPanel id={selected} /> : null}
      </div>
    </div>
  );
}
