import type { EvidencePack } from './evidence-pack.ts';
import { describeTag } from './framework-tags.ts';

export { renderEvidenceHtml } from './evidence-html.ts';

export function renderEvidenceJson(pack: EvidencePack): string {
  return `${JSON.stringify(pack, null, 2)}\n`;
}

export const CSV_COLUMNS = ['section', 'id', 'entitlement', 'identity', 'status', 'at', 'detail', 'tags'] as const;
type CsvRow = Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null | undefined>;

/**
 * One RFC 4180 table (CRLF line ends, quoted where needed) with a `section` column, so that a spreadsheet can
 * filter it. Cells that a spreadsheet would run as a formula are neutralised (see {@link csvCell}).
 */
export function renderEvidenceCsv(pack: EvidencePack): string {
  const rows: CsvRow[] = [];
  const kv = (pairs: Record<string, unknown>): string =>
    Object.entries(pairs).filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(' | ') : String(v)}`).join('; ');
  for (const e of pack.entitlements) {
    rows.push({ section: 'entitlement', id: e.id, entitlement: e.displayName, identity: e.owner, status: e.reviewOverdue ? 'review-overdue' : e.deletedAt ? 'deleted' : 'current', at: e.reviewDueAt,
      detail: kv({ owner: e.owner, riskTier: e.riskTier, reviewCadenceDays: e.reviewCadenceDays, lastCertifiedAt: e.lastCertifiedAt, jitMaxMinutes: e.jitMaxMinutes, breakGlass: e.breakGlass, nonHuman: e.nonHuman }), tags: e.tags.join(' ') });
  }
  for (const a of pack.assignments) {
    rows.push({ section: 'assignment', id: a.id, entitlement: a.entitlement ?? a.entitlementId, identity: a.userName ?? a.identityId, status: a.status, at: a.approvedAt,
      detail: kv({ approver: a.approver, ticket: a.ticket, expiresAt: a.expiresAt, endedAt: a.endedAt, endedBy: a.endedBy, lastUsedAt: a.lastUsedAt, sessionCount: a.sessionCount }), tags: '' });
  }
  for (const r of pack.recommendations) {
    rows.push({ section: 'recommendation', id: r.assignmentId, entitlement: r.entitlementId, identity: r.userName, status: r.action, at: pack.generatedAt, detail: r.reason, tags: '' });
  }
  for (const x of pack.elevations) {
    rows.push({ section: 'elevation', id: x.id, entitlement: x.entitlementId, identity: x.principal, status: x.breakGlass ? `${x.outcome} (break-glass)` : x.outcome, at: x.requestedAt,
      detail: kv({ target: x.target, requestedMinutes: x.requestedMinutes, windowEnd: x.windowEnd, justification: x.justification, reasons: x.reasons, state: x.status }), tags: '' });
  }
  for (const s of pack.sessions) {
    rows.push({ section: 'session', id: s.id, entitlement: null, identity: s.principal, status: s.kind, at: s.startedAt,
      detail: kv({ target: s.target, endedAt: s.endedAt, interactive: s.interactive, elevationId: s.elevationId, assignmentId: s.assignmentId, externalId: s.externalId }), tags: '' });
  }
  for (const r of pack.revocations) {
    rows.push({ section: 'revocation', id: r.id, entitlement: null, identity: r.identityId, status: r.status, at: r.createdAt,
      detail: kv({ cause: r.cause, direction: r.direction, requestedBy: r.requestedBy, verifiedAt: r.verifiedAt, steps: r.steps }), tags: '' });
  }
  for (const f of pack.findings) {
    rows.push({ section: 'finding', id: f.id, entitlement: null, identity: null, status: f.status, at: f.lastSeenAt,
      detail: kv({ kind: f.kind, severity: f.severity, summary: f.summary, firstSeenAt: f.firstSeenAt, resolvedAt: f.resolvedAt, exceptionUntil: f.exceptionUntil }), tags: f.tags.join(' ') });
  }
  for (const c of pack.conflicts) {
    rows.push({ section: 'conflict', id: c.id, entitlement: null, identity: c.resolvedBy, status: c.status, at: c.resolvedAt ?? c.createdAt,
      detail: kv({ kind: c.kind, summary: c.summary, resolution: c.resolution, reason: c.resolutionReason, exceptionOwner: c.exceptionOwner, exceptionUntil: c.exceptionUntil }), tags: '' });
  }
  for (const l of pack.ledger) {
    rows.push({ section: 'ledger', id: String(l.seq), entitlement: null, identity: l.actor, status: l.action, at: l.at, detail: kv({ subject: l.subject, hash: l.hash }), tags: '' });
  }
  for (const t of pack.frameworkTags) {
    rows.push({ section: 'framework-tag', id: t.id, entitlement: null, identity: null, status: null, at: null, detail: describeTag(t.id), tags: t.id });
  }
  const lines = [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => csvCell(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * One CSV field: a text starting with `=`, `+`, `-`, `@`, tab or CR is prefixed with `'` so spreadsheets show it
 * instead of evaluating it (CSV injection); then quoted per RFC 4180 when it holds `"`, `,`, CR or LF.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
