/**
 * Gathers from the store what an evidence pack of one scope needs, then builds the pack with the pure domain
 * builder. The builder keeps only what belongs to the scope; the ledger is read for the subjects that the
 * first pass kept.
 */
import type { Conflict } from '../domain/conflict.ts';
import { buildEvidencePack, type EvidencePack, type EvidenceScope } from '../domain/evidence-pack.ts';
import type { Finding } from '../domain/finding.ts';
import type { Identity } from '../domain/identity.ts';
import type { Page, PageSpec } from '../domain/query.ts';
import type { Store } from '../store/store.ts';

/** Findings and conflicts are read page by page up to this many of each. */
const MAX_ROWS = 10_000;
const PAGE = 200;

async function readAll<T>(read: (page: PageSpec) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  for (let startIndex = 1; out.length < MAX_ROWS; startIndex += PAGE) {
    const page = await read({ startIndex, count: PAGE });
    out.push(...page.items);
    if (page.items.length < PAGE || out.length >= page.totalResults) break;
  }
  return out;
}

function inScope(scope: EvidenceScope, e: { id: string; governance: { owner?: string | undefined } }): boolean {
  if (scope.kind === 'entitlement') return e.id === scope.entitlementId;
  if (scope.kind === 'owner') return e.governance.owner === scope.owner;
  return scope.entitlementIds.includes(e.id as never);
}

export async function buildStoreEvidencePack(store: Store, scope: EvidenceScope, now: string, unusedDays?: number): Promise<EvidencePack> {
  const entitlements = (await store.entitlements.listAll()).filter((e) => inScope(scope, e));
  const assignments = (await Promise.all(entitlements.map((e) => store.assignments.listByEntitlement(e.id)))).flat();
  const sessions = (await Promise.all(entitlements.map((e) => store.evidence.listByEntitlement(e.id)))).flat();
  const identityIds = [...new Set(assignments.map((a) => a.identityId))];
  const identities = (await Promise.all(identityIds.map((id) => store.identities.get(id)))).filter((i): i is Identity => i !== undefined);
  const elevations = (await Promise.all(identityIds.map((id) => store.elevations.listByIdentity(id)))).flat();
  const revocations = (await Promise.all(assignments.map((a) => store.revocations.listByAssignment(a.id)))).flat();
  const findings = await readAll<Finding>((page) => store.findings.list({}, { by: 'firstSeenAt', order: 'asc' }, page));
  const conflicts = await readAll<Conflict>((page) => store.conflicts.list({}, page));
  const facts = { entitlements, assignments, identities, elevations, sessions, revocations, findings, conflicts, ledger: [] };
  const options = unusedDays === undefined ? {} : { unusedDays };
  const first = buildEvidencePack(scope, facts, now, options);
  const subjects = new Set<string>([
    ...entitlements.map((e) => e.id), ...assignments.map((a) => a.id), ...first.elevations.map((x) => x.id),
    ...first.revocations.map((r) => r.id), ...first.findings.map((f) => f.id), ...first.conflicts.map((c) => c.id),
  ]);
  const ledger = (await Promise.all([...subjects].map((s) => store.ledger.listBySubject(s)))).flat();
  return buildEvidencePack(scope, { ...facts, ledger }, now, options);
}
