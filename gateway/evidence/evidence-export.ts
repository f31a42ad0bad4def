/**
 * Evidence packs from the store: gathers the facts of a scope (entitlements, their assignments, holders,
 * elevations, sessions, revocations, findings, conflicts, ledger entries about any of them, and the PAM targets
 * each entitlement maps to), builds the pack with the pure builder and renders it as JSON, CSV or HTML.
 * The builder keeps only what belongs to the scope, so the gathering may be generous.
 */
import type { MappingSet } from '../../mappings/lib/index.ts';
import type { Conflict } from '../domain/conflict.ts';
import { buildEvidencePack, type EvidenceFacts, type EvidencePack, type EvidencePackOptions, type EvidenceScope } from '../domain/evidence-pack.ts';
import { renderEvidenceCsv, renderEvidenceHtml, renderEvidenceJson } from '../domain/evidence-render.ts';
import type { Entitlement } from '../domain/entitlement.ts';
import type { Finding } from '../domain/finding.ts';
import type { PamTarget } from '../domain/grant.ts';
import type { Identity } from '../domain/identity.ts';
import type { EntitlementId } from '../domain/ids.ts';
import type { Page, PageSpec } from '../domain/query.ts';
import type { Store } from '../store/store.ts';
import { resolveEntitlement } from '../sync/mapped-access.ts';

export const EVIDENCE_FORMATS = ['json', 'csv', 'html'] as const;
export type EvidenceFormat = (typeof EVIDENCE_FORMATS)[number];

/** Findings and conflicts are read page by page up to this many of each. */
const MAX_ROWS = 50_000;
const PAGE = 500;

async function readAll<T>(read: (page: PageSpec) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  for (let startIndex = 1; out.length < MAX_ROWS; startIndex += PAGE) {
    const page = await read({ startIndex, count: PAGE });
    out.push(...page.items);
    if (page.items.length < PAGE) break;
  }
  return out;
}

function inScope(scope: EvidenceScope, e: Entitlement): boolean {
  if (scope.kind === 'entitlement') return e.id === scope.entitlementId;
  if (scope.kind === 'owner') return e.governance.owner === scope.owner;
  return scope.entitlementIds.includes(e.id);
}

async function targetsOf(set: MappingSet | undefined, entitlements: readonly Entitlement[]): Promise<Map<EntitlementId, PamTarget[]>> {
  const out = new Map<EntitlementId, PamTarget[]>();
  if (!set) return out;
  for (const e of entitlements) {
    const resolved = await resolveEntitlement(set, e);
    out.set(e.id, resolved.matches.flatMap((m) => m.targets.map((t) => ({ connectorId: t.connector, kind: t.kind, ref: t.ref }))));
  }
  return out;
}

/** The facts an evidence pack of this scope may need (deleted entitlements included: their history counts). */
export async function gatherEvidenceFacts(store: Store, scope: EvidenceScope, set?: MappingSet): Promise<EvidenceFacts> {
  const all = await store.entitlements.listAll();
  const live = all.filter((e) => inScope(scope, e));
  const missing = scope.kind === 'entitlement' && live.length === 0 ? [await store.entitlements.get(scope.entitlementId)] : [];
  const entitlements = [...live, ...missing.filter((e): e is Entitlement => e !== undefined)];
  const assignments = (await Promise.all(entitlements.map((e) => store.assignments.listByEntitlement(e.id)))).flat();
  const sessions = (await Promise.all(entitlements.map((e) => store.evidence.listByEntitlement(e.id)))).flat();
  const identityIds = [...new Set(assignments.map((a) => a.identityId))];
  const identities = (await Promise.all(identityIds.map((id) => store.identities.get(id)))).filter((i): i is Identity => i !== undefined);
  const elevations = (await Promise.all(identityIds.map((id) => store.elevations.listByIdentity(id)))).flat();
  const revocations = (await Promise.all(assignments.map((a) => store.revocations.listByAssignment(a.id)))).flat();
  const findings = await readAll<Finding>((page) => store.findings.list({}, { by: 'firstSeenAt', order: 'asc' }, page));
  const conflicts = await readAll<Conflict>((page) => store.conflicts.list({}, page));
  const targets = await targetsOf(set, entitlements);
  const facts: EvidenceFacts = { entitlements, assignments, identities, elevations, sessions, revocations, findings, conflicts, ledger: [], targets };
  const first = buildEvidencePack(scope, facts, new Date(0).toISOString());
  const subjects = new Set<string>([
    ...entitlements.map((e) => e.id), ...assignments.map((a) => a.id), ...first.elevations.map((x) => x.id),
    ...first.revocations.map((r) => r.id), ...first.findings.map((f) => f.id), ...first.conflicts.map((c) => c.id),
  ]);
  const ledger = (await Promise.all([...subjects].map((s) => store.ledger.listBySubject(s)))).flat();
  return { ...facts, ledger };
}

export async function buildEvidenceFromStore(store: Store, scope: EvidenceScope, now: string, options: EvidencePackOptions & { mappings?: MappingSet | undefined } = {}): Promise<EvidencePack> {
  const { mappings, ...packOptions } = options;
  return buildEvidencePack(scope, await gatherEvidenceFacts(store, scope, mappings), now, packOptions);
}

export function renderEvidence(pack: EvidencePack, format: EvidenceFormat): string {
  switch (format) {
    case 'json': return renderEvidenceJson(pack);
    case 'csv': return renderEvidenceCsv(pack);
    case 'html': return renderEvidenceHtml(pack);
  }
}

export const EVIDENCE_CONTENT_TYPES: Readonly<Record<EvidenceFormat, string>> = {
  json: 'application/json; charset=utf-8', csv: 'text/csv; charset=utf-8', html: 'text/html; charset=utf-8',
};
