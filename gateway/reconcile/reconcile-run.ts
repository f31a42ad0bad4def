/**
 * One full reconciliation run: resolve every entitlement through the mappings, index principals, stream the
 * expected access paths against each PAM connector's inventory (`diffUnsorted`: the expected side as key
 * hashes, read whole once and then only the chunks where PAM lacked something; the inventory streamed once),
 * handle the differences a batch per transaction, then bring the stored findings and conflicts in line. Memory stays bounded by the key-hash table and the principal
 * index, not by the number of grants.
 */
import type { PamConnector } from '../connectors/pam-connector.ts';
import { isoAt } from '../domain/clock.ts';
import type { DesiredFinding } from '../domain/desired-finding.ts';
import { DEFAULT_FINDING_POLICY, type FindingPolicy } from '../domain/finding-rules.ts';
import type { FindingKind } from '../domain/finding.ts';
import { type FindingChanges, reconcileFindings } from '../domain/finding-reconcile.ts';
import type { Finding } from '../domain/finding.ts';
import type { PamTarget } from '../domain/grant.ts';
import { newId } from '../domain/ids.ts';
import { diffUnsorted } from '../domain/reconciliation-diff-unsorted.ts';
import { addCounts, emptyCounts, type FindingWriteCounts, readLiveFindings, writeFindingChanges } from '../findings/finding-writer.ts';
import type { Store } from '../store/store.ts';
import type { SyncEnvironment } from '../sync/sync-context.ts';
import { buildAccessModel } from './access-model.ts';
import { type Difference, type DifferenceCounts, handleDifferences, type RunState } from './difference-handler.ts';
import { type ExpectedTally, expectedSource } from './expected-paths.ts';
import { GOVERNANCE_KINDS, governanceFindings } from './governance-pass.ts';
import { type InventoryStats, inventorySource } from './inventory-source.ts';
import { buildPrincipalIndex } from './principal-index.ts';
import { LAST_RUN_CURSOR } from './reconcile-cursors.ts';
import { RECONCILE_ACTOR, raiseConflict } from './reconcile-writes.ts';

/** Also exported here for callers that read it with a run's report (it lives in reconcile-cursors.ts). */
export { LAST_RUN_CURSOR };

export interface ReconcileOptions {
  readonly batchSize: number;
  readonly pageSize: number;
  /** Differences handled per transaction. */
  readonly writeBatch: number;
  readonly findingPolicy: FindingPolicy;
}

export const DEFAULT_RECONCILE_OPTIONS: ReconcileOptions = { batchSize: 2_000, pageSize: 5_000, writeBatch: 250, findingPolicy: DEFAULT_FINDING_POLICY };

export interface ReconcileReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly identities: number;
  readonly assignments: number;
  readonly expectedPaths: number;
  readonly connectors: readonly { readonly id: string; readonly pages: number; readonly paths: number; readonly perTarget: boolean; readonly waitMs: number; readonly error?: string | undefined }[];
  readonly differences: DifferenceCounts;
  readonly findings: FindingWriteCounts;
  readonly conflictsOpened: number;
  readonly enqueued: number;
  /** Where the time went (ms): mapping resolution, principal index, diff and its writes, findings. */
  readonly phases: { readonly model: number; readonly principals: number; readonly diff: number; readonly findings: number };
}

export interface ReconcileRunDeps extends SyncEnvironment {
  readonly store: Store;
  /** PAM connectors whose inventory is read this run. */
  readonly pamConnectors: readonly PamConnector[];
  readonly options?: Partial<ReconcileOptions> | undefined;
}

export async function runReconciliation(deps: ReconcileRunDeps): Promise<ReconcileReport> {
  const o: ReconcileOptions = { ...DEFAULT_RECONCILE_OPTIONS, ...deps.options };
  const { store } = deps;
  const startedMs = deps.clock.now();
  const now = isoAt(deps.clock);
  const newFindingId = () => newId('finding', deps.clock.now(), deps.random);
  const set = deps.mappings();

  const phase = phaseTimer(deps.clock);
  const model = set ? await buildAccessModel(set, await store.entitlements.listAll()) : undefined;
  const used = new Set<number>();
  for (const e of model?.entitlements.values() ?? []) for (const m of e.matches) used.add(m.mappingIndex);
  const modelMs = phase();
  const principals = await buildPrincipalIndex(store, set?.mappings ?? [], used, o.batchSize);
  const principalsMs = phase();

  const counts: DifferenceCounts = { missingAtPam: 0, unapprovedAtPam: 0, permissionMismatch: 0, modeMismatch: 0, grants: 0, revocations: 0, proposals: 0, conflictsOpened: 0 };
  const desired: DesiredFinding[] = [];
  const stats: InventoryStats = { connectors: new Map() };
  let enqueued = 0;
  let tally: ExpectedTally | undefined;
  if (set && model) {
    const run: RunState = { set, env: deps, runId: now, desired, counts };
    const connectorIds = new Set(deps.pamConnectors.map((c) => c.id));
    const expected = expectedSource({ store, model, principals, connectors: connectorIds, batchSize: o.batchSize });
    tally = expected.tally;
    const observed = inventorySource(deps.pamConnectors.map((connector) => ({
      connector,
      targets: async () => [...(expected.tally.targets.get(connector.id)?.values() ?? []), ...(await grantTargets(store, connector.id, o.batchSize))],
    })), stats, o.pageSize);
    let batch: Difference[] = [];
    const flush = async (): Promise<void> => {
      const items = batch.filter((x) => !stats.connectors.get(connectorOf(x))?.error);
      batch = [];
      if (items.length > 0) enqueued += await store.transaction((tx) => handleDifferences(tx, run, items));
    };
    for await (const d of diffUnsorted((chunks) => expected.read(chunks), observed)) {
      batch.push({ d, ...(d.kind === 'missing-at-pam' ? { expected: expected.lookup(d.key) } : {}) });
      if (batch.length >= o.writeBatch) await flush();
    }
    await flush();
    await store.transaction(async (tx) => {
      const w = { tx, now, nowMs: deps.clock.now(), random: deps.random };
      for (const [key, c] of model.disagreements) {
        const principalsOf = [...(expected.tally.disagreementPrincipals.get(key) ?? [])].sort();
        if ((await raiseConflict(w, { ...c, details: { ...c.details, principals: principalsOf } })) === 'opened') counts.conflictsOpened++;
      }
    });
  }

  const diffMs = phase();
  const healthy = new Set([...stats.connectors].filter(([, s]) => !s.error).map(([id]) => id));
  const findings = emptyCounts();
  const accessExisting = await readLiveFindings(store, ['pam-grant-without-entitlement']);
  addCounts(findings, await writeInChunks(store, accessExisting, reconcileFindings(accessExisting, desired, now, newFindingId, {
    kinds: ['pam-grant-without-entitlement'], includes: (f) => healthy.has(f.subject['connectorId'] ?? ''),
  }), now, o.writeBatch));

  const kinds: FindingKind[] = GOVERNANCE_KINDS.filter((k) => model !== undefined || (k !== 'mapping-unresolved' && k !== 'nhi-static-secret-stale'));
  const governance = await governanceFindings({ store, now, policy: o.findingPolicy, model, tally, principals });
  const govExisting = await readLiveFindings(store, kinds);
  addCounts(findings, await writeInChunks(store, govExisting, reconcileFindings(govExisting, governance, now, newFindingId, { kinds }), now, o.writeBatch));

  const findingsMs = phase();
  const finishedAt = isoAt(deps.clock);
  const report: ReconcileReport = {
    startedAt: now, finishedAt, durationMs: deps.clock.now() - startedMs,
    identities: principals.identities, assignments: tally?.assignments ?? 0, expectedPaths: tally?.paths ?? 0,
    connectors: [...stats.connectors].map(([id, s]) => ({ id, ...s, waitMs: Math.round(s.waitMs) })),
    differences: counts, findings, conflictsOpened: counts.conflictsOpened, enqueued,
    phases: { model: modelMs, principals: principalsMs, diff: diffMs, findings: findingsMs },
  };
  await store.transaction(async (tx) => {
    await tx.cursors.set(LAST_RUN_CURSOR, now);
    await tx.ledger.append({
      at: finishedAt, actor: RECONCILE_ACTOR, action: 'reconcile.completed', subject: 'reconciliation',
      data: { ...report, connectors: report.connectors.map((c) => ({ ...c, error: c.error ?? null })) },
    });
  });
  return report;
}

function phaseTimer(clock: { now(): number }): () => number {
  let last = clock.now();
  return () => {
    const now = clock.now();
    const took = now - last;
    last = now;
    return took;
  };
}

function connectorOf(x: Difference): string {
  if (x.d.kind === 'missing-at-pam') return x.expected?.target.connectorId ?? x.d.key.split('/')[0]!;
  return (x.d.observed as { target?: { connectorId: string } }).target?.connectorId ?? x.d.key.split('/')[0]!;
}

/** Targets of grants Lockstep holds as active on a connector (listed too where the vendor lists per target). */
async function grantTargets(store: Store, connectorId: string, batchSize: number): Promise<PamTarget[]> {
  const byKey = new Map<string, PamTarget>();
  for await (const batch of store.grants.scanActive(connectorId, batchSize)) for (const g of batch) byKey.set(`${g.target.kind}/${g.target.ref}`, g.target);
  return [...byKey.values()];
}

async function writeInChunks(store: Store, existing: readonly Finding[], changes: FindingChanges, now: string, size: number): Promise<FindingWriteCounts> {
  const total = emptyCounts();
  const all = [...changes.upserts.map((f) => ({ f, r: false })), ...changes.resolutions.map((f) => ({ f, r: true }))];
  for (let i = 0; i < all.length; i += size) {
    const part = all.slice(i, i + size);
    const chunk: FindingChanges = { upserts: part.filter((x) => !x.r).map((x) => x.f), resolutions: part.filter((x) => x.r).map((x) => x.f) };
    addCounts(total, await store.transaction((tx) => writeFindingChanges(tx, existing, chunk, { now, actor: RECONCILE_ACTOR })));
  }
  return total;
}

