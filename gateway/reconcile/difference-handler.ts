/**
 * Turns the differences of a full reconciliation into state, findings, conflicts and actions, a batch per
 * transaction. The mapping's policies decide (drift-policy.ts): excess at PAM is a `pam-grant-without-entitlement`
 * finding and, per `drift`, left alone (`alert`), revoked through the revocation saga and the outbox (`revoke`),
 * or put to a person and proposed to IGA (`propose`). Approved standing access PAM lacks is granted again
 * (`conflict: iga-wins | manual`) or, when PAM is the authority (`pam-wins`), its removal is carried to IGA.
 * Permissions PAM lacks on a path it has are restored with the vendor's `update-permissions` call through the
 * outbox when the profile has one (and PAM is not the authority); otherwise the shortfall stays in the ledger and
 * in a `pam-grant-without-entitlement` finding (difference `permission-mismatch`, evidence `missing`) a person sees.
 * A path both sides changed since Lockstep last recorded it in step (the stored grant's `updatedAt`), or one
 * whose revoked approval is covered by an exception, is a conflict instead: nothing is done to it until someone
 * decides.
 */
import type { MappingSet } from '../../mappings/lib/index.ts';
import { type DesiredConflict, detectBothSidesChanged, detectRevokedWithException, detectUnapprovedGrant, type ExceptionRecord } from '../domain/conflict-rules.ts';
import type { Assignment } from '../domain/assignment.ts';
import type { DesiredFinding } from '../domain/desired-finding.ts';
import { type DriftIntent, type DriftPolicy, planDrift } from '../domain/drift-policy.ts';
import { grantWithoutEntitlement } from '../domain/finding-rules.ts';
import { type Grant, targetKey } from '../domain/grant.ts';
import type { Identity } from '../domain/identity.ts';
import { type IdentityId, isId } from '../domain/ids.ts';
import { isBefore } from '../domain/iso-time.ts';
import { type AccessDifference, samePermissions } from '../domain/reconciliation-diff.ts';
import { pathKey } from '../domain/revocation-saga.ts';
import type { StoreTx } from '../store/store.ts';
import { mappedPaths } from '../sync/mapped-access.ts';
import { startRevocation } from '../sync/revocation-writer.ts';
import { supports, type SyncEnvironment, type SyncTx } from '../sync/sync-context.ts';
import { send } from '../sync/sync-writes.ts';
import { mappingForTarget } from './access-model.ts';
import type { ExpectedItem } from './expected-paths.ts';
import type { InventoryPath } from './inventory-source.ts';
import { identityOfPrincipal, markGrantGone, observeGrant, RECONCILE_ACTOR, raiseConflict, type WriteEnv } from './reconcile-writes.ts';

export interface DifferenceCounts {
  missingAtPam: number;
  unapprovedAtPam: number;
  permissionMismatch: number;
  modeMismatch: number;
  grants: number;
  revocations: number;
  proposals: number;
  conflictsOpened: number;
  /** `update-permissions` calls queued (absent from reports of runs that queued none). */
  permissionUpdates?: number;
}

export interface RunState {
  readonly set: MappingSet;
  readonly env: SyncEnvironment;
  readonly runId: string;
  readonly desired: DesiredFinding[];
  readonly counts: DifferenceCounts;
}

export interface Difference {
  readonly d: AccessDifference;
  /** The expected item behind a `missing-at-pam` difference. */
  readonly expected?: ExpectedItem | undefined;
}

export const revokingCursor = (key: string): string => `reconcile.revoking:${key}`;

/** Handles one batch of differences in the caller's transaction. */
export async function handleDifferences(tx: StoreTx, run: RunState, batch: readonly Difference[]): Promise<number> {
  const nowMs = run.env.clock.now();
  const s: SyncTx = { tx, env: run.env, now: new Date(nowMs).toISOString(), nowMs, set: run.set, enqueued: 0 };
  const w: WriteEnv = { tx, now: s.now, nowMs, random: run.env.random };
  for (const { d, expected } of batch) {
    if (d.kind === 'missing-at-pam') {
      run.counts.missingAtPam++;
      if (expected) await missingAtPam(s, w, run, expected);
    } else {
      run.counts[d.kind === 'unapproved-at-pam' ? 'unapprovedAtPam' : d.kind === 'mode-mismatch' ? 'modeMismatch' : 'permissionMismatch']++;
      await excessAtPam(s, w, run, d);
    }
  }
  return s.enqueued;
}

async function openConflict(w: WriteEnv, run: RunState, c: DesiredConflict): Promise<void> {
  if ((await raiseConflict(w, c)) === 'opened') run.counts.conflictsOpened++;
}

async function missingAtPam(s: SyncTx, w: WriteEnv, run: RunState, e: ExpectedItem): Promise<void> {
  const prior = await markGrantGone(w, e.target, e.principal);
  const assignment = await s.tx.assignments.get(e.assignmentId);
  if (!assignment || assignment.status !== 'active') return;
  if (prior?.status === 'active') {
    const c = detectBothSidesChanged({
      target: e.target, principal: e.principal, lastSyncAt: prior.updatedAt,
      iga: { present: true, permissions: e.permissions, mode: e.mode, changedAt: assignment.updatedAt },
      pam: { present: false, permissions: [], changedAt: s.now },
    });
    if (c) return openConflict(w, run, c);
  }
  if (e.conflict === 'pam-wins') {
    const identity = await s.tx.identities.get(e.identityId);
    await s.tx.assignments.update({ ...assignment, status: 'revoked-at-pam', endedAt: s.now, endedBy: e.target.connectorId, updatedAt: s.now });
    await s.tx.ledger.append({ at: s.now, actor: RECONCILE_ACTOR, action: 'assignment.revoked-at-pam', subject: assignment.id, data: { cause: 'pam-grant-removed', path: pathKey(e.target, e.principal), observedBy: 'reconciliation' } });
    const notify = identity && supports(s, identity.connectorId, 'notify-iga') ? [identity.connectorId] : [];
    await startRevocation(s, {
      cause: 'pam-grant-removed', direction: 'pam-to-iga', subject: { identityId: e.identityId, entitlementId: e.entitlementId, assignmentId: e.assignmentId },
      requestedBy: RECONCILE_ACTOR, paths: [], liveElevations: [], notify,
      notice: {
        event: { type: 'grant.removed', occurredAt: s.now, connectorId: e.target.connectorId, principal: e.principal, target: { kind: e.target.kind, ref: e.target.ref }, attributes: { observedBy: 'reconciliation' } },
        subject: identity?.externalId ?? e.identityId,
        ...(identity ? { identity: { userName: identity.userName, externalId: identity.externalId ?? identity.id } } : {}),
      },
    });
    run.counts.revocations++;
    return;
  }
  for (const intent of planDrift({ kind: 'missing-at-pam', key: e.key, expected: { key: e.key, permissions: e.permissions, mode: e.mode, assignmentIds: [e.assignmentId] } }, e.drift).intents) {
    if (intent.kind !== 'grant') continue;
    const inserted = await send(s, e.target.connectorId, 'grant', `reconcile:${run.runId}:grant:${pathKey(e.target, e.principal)}`, 'grant', {
      target: { kind: e.target.kind, ref: e.target.ref }, targetConnectorId: e.target.connectorId, principal: e.principal,
      permissions: [...intent.permissions], validUntil: assignment.expiresAt, assignmentId: assignment.id, reason: 'reconciliation: approved access missing at PAM',
    });
    if (inserted) run.counts.grants++;
  }
}

async function exceptionOf(tx: StoreTx, findingKey: string, now: string): Promise<ExceptionRecord | undefined> {
  const f = await tx.findings.getByKey('pam-grant-without-entitlement', findingKey);
  if (f?.status !== 'excepted' || f.exceptionUntil === undefined || !isBefore(now, f.exceptionUntil)) return undefined;
  const entries = await tx.ledger.listBySubject(f.id);
  const recorded = [...entries].reverse().find((x) => typeof x.data['owner'] === 'string');
  return {
    owner: String(recorded?.data['owner'] ?? f.evidence['exceptionOwner'] ?? '(not recorded)'),
    reason: String(recorded?.data['reason'] ?? f.evidence['exceptionReason'] ?? '(not recorded)'),
    until: f.exceptionUntil,
  };
}

async function excessAtPam(s: SyncTx, w: WriteEnv, run: RunState, d: Exclude<AccessDifference, { kind: 'missing-at-pam' }>): Promise<void> {
  const o = d.observed as InventoryPath;
  const { grant, prior } = await observeGrant(w, { target: o.target, principal: o.principal, permissions: o.permissions, mode: o.mode ?? 'standing', externalId: o.externalId, windowEnd: o.validUntil });
  const mapping = mappingForTarget(run.set, o.target);
  const policy: DriftPolicy = mapping?.drift ?? 'alert';
  const plan = planDrift(d, policy);
  const identity = await identityOfPrincipal(s.tx, o.principal);
  const key = pathKey(o.target, o.principal);
  const unrestored = d.kind === 'permission-mismatch' && d.missing.length > 0 ? whyNotRestored(s, o.target.connectorId, mapping?.conflict) : undefined;
  if (plan.finding || unrestored) run.desired.push(findingFor(d, grant, identity, policy, mapping?.name, unrestored));

  const assignment = grant.assignmentId ? await s.tx.assignments.get(grant.assignmentId) : undefined;
  if (d.kind === 'unapproved-at-pam' && assignment && assignment.status !== 'active') {
    const c = detectRevokedWithException({ grant, assignment, exception: await exceptionOf(s.tx, key, s.now), now: s.now });
    if (c) return openConflict(w, run, c);
  }
  if (prior && assignment) {
    const pamChanged = prior.status !== 'active' || prior.permissions.join() !== grant.permissions.join() || prior.mode !== grant.mode;
    const c = pamChanged ? detectBothSidesChanged({
      target: o.target, principal: o.principal, lastSyncAt: prior.updatedAt,
      iga: assignment.status === 'active' && d.kind !== 'unapproved-at-pam'
        ? { present: true, permissions: d.expected.permissions, mode: d.expected.mode, changedAt: assignment.updatedAt }
        : { present: false, permissions: [], changedAt: assignment.endedAt ?? assignment.updatedAt },
      pam: { present: true, permissions: grant.permissions, mode: grant.mode, changedAt: s.now },
    }) : undefined;
    if (c) return openConflict(w, run, c);
  }
  if (assignment && (await s.tx.revocations.listByAssignment(assignment.id)).some((x) => x.status === 'pending' || x.status === 'in-progress')) return;
  for (const intent of plan.intents) {
    if (intent.kind === 'set-permissions' && d.kind === 'permission-mismatch') await setPermissions(s, run, intent.permissions, d, grant, identity, unrestored);
    else await carryOut(s, w, run, intent, grant, identity?.id, identity?.connectorId);
  }
}

/** Why approved permissions PAM lacks cannot be put back by this run; undefined when they can. */
function whyNotRestored(s: SyncTx, connectorId: string, conflict: string | undefined): string | undefined {
  if (conflict === 'pam-wins') return 'the mapping makes PAM the authority (conflict: pam-wins)';
  if (!supports(s, connectorId, 'update-permissions')) {
    const profile = s.env.connectors().find((c) => c.id === connectorId)?.profile ?? 'unknown';
    return `the ${profile} profile has no update-permissions action (or the connector makes no outbound calls)`;
  }
  return undefined;
}

function findingFor(d: AccessDifference, grant: Grant, identity: Parameters<typeof grantWithoutEntitlement>[2], policy: DriftPolicy, mapping: string | undefined, unrestored?: string): DesiredFinding {
  const base = grantWithoutEntitlement(grant, [], identity)!;
  const evidence = { ...base.evidence, difference: d.kind, driftPolicy: policy, mapping: mapping ?? null, observedBy: 'reconciliation' };
  if (d.kind === 'permission-mismatch') {
    const detail = { ...evidence, extra: d.extra, missing: d.missing, approved: d.expected.permissions, ...(unrestored ? { missingNotRestored: unrestored } : {}) };
    if (d.extra.length === 0) {
      // Only a shortfall: nothing is exposed, but the holder lacks approved access and Lockstep cannot restore it.
      return { ...base, severity: 'medium', evidence: detail, summary: `${grant.principal} lacks [${d.missing.join(', ')}] on ${targetKey(grant.target)} that IGA approved: ${unrestored ?? 'not restored'}` };
    }
    return { ...base, evidence: detail, summary: `${grant.principal} holds [${d.extra.join(', ')}] on ${targetKey(grant.target)} beyond what IGA approved` };
  }
  if (d.kind === 'mode-mismatch') {
    return { ...base, evidence, summary: `${grant.principal} has standing access to ${targetKey(grant.target)} where IGA approved just-in-time access only` };
  }
  return { ...base, evidence };
}

async function carryOut(s: SyncTx, w: WriteEnv, run: RunState, intent: DriftIntent, grant: Grant, identityId: IdentityId | undefined, igaConnector: string | undefined): Promise<void> {
  const key = pathKey(grant.target, grant.principal);
  switch (intent.kind) {
    case 'revoke': {
      const running = await s.tx.cursors.get(revokingCursor(key));
      const prior = isId('revocation', running) ? await s.tx.revocations.get(running) : undefined;
      if (prior && prior.status !== 'verified') return;
      const r = await startRevocation(s, {
        cause: 'drift-policy', direction: 'iga-to-pam', subject: identityId ? { identityId } : {},
        requestedBy: RECONCILE_ACTOR, paths: [{ target: grant.target, principal: grant.principal, grantId: grant.id }], liveElevations: [],
      });
      await s.tx.cursors.set(revokingCursor(key), r.id);
      run.counts.revocations++;
      return;
    }
    case 'conflict': {
      const c = detectUnapprovedGrant(grant, [], 'propose');
      if (c) await openConflict(w, run, c);
      if (igaConnector && supports(s, igaConnector, 'notify-iga')) {
        const inserted = await send(s, igaConnector, 'notify-iga', `reconcile:propose:${key}`, 'grant', {
          event: 'access.proposed', subject: key,
          payload: { change: 'add', target: grant.target, principal: grant.principal, permissions: grant.permissions, reason: 'present at PAM without IGA approval (drift policy: propose)' },
        });
        if (inserted) run.counts.proposals++;
      }
      return;
    }
    case 'set-permissions': // setPermissions (it needs the difference)
    case 'grant': // only for missing paths (missingAtPam)
      return;
  }
}

/**
 * Brings a path PAM has to `wanted` (the drift plan's permissions): an `update-permissions` call through the outbox
 * (a delivered one updates the stored grant, as a delivered grant does) and a `reconcile.permissions-drift` ledger
 * entry saying what was queued. When approved permissions PAM lacks may not or cannot be restored (`unrestored`),
 * they are left out of the call (PAM's removal stands under `pam-wins`) or no call is made (no such action), and
 * the ledger entry says why; the path's finding (raised by the caller) shows it to a person.
 */
async function setPermissions(
  s: SyncTx, run: RunState, wanted: readonly string[], d: Extract<AccessDifference, { kind: 'permission-mismatch' }>, grant: Grant,
  identity: Identity | undefined, unrestored: string | undefined,
): Promise<void> {
  const key = pathKey(grant.target, grant.principal);
  const connectorId = grant.target.connectorId;
  const permissions = [...new Set(unrestored ? wanted.filter((p) => !d.missing.includes(p)) : wanted)].sort();
  const callable = supports(s, connectorId, 'update-permissions');
  const needed = callable && !samePermissions(permissions, grant.permissions);
  const data: Record<string, unknown> = { path: key, observed: grant.permissions, approved: d.expected.permissions, missing: d.missing, extra: d.extra };
  if (needed) {
    const assignment = await approvingAssignment(s, grant, d.expected.assignmentIds, identity);
    const assignmentId = assignment?.id;
    const idempotencyKey = `reconcile:${run.runId}:permissions:${key}:${permissions.join(',')}`;
    const inserted = await send(s, connectorId, 'update-permissions', idempotencyKey, 'grant', {
      target: { kind: grant.target.kind, ref: grant.target.ref }, targetConnectorId: connectorId, principal: grant.principal, permissions,
      externalId: grant.externalId, validUntil: assignment?.expiresAt, assignmentId, reason: 'reconciliation: permissions at PAM differ from the approved ones',
    });
    if (inserted) run.counts.permissionUpdates = (run.counts.permissionUpdates ?? 0) + 1;
    Object.assign(data, { action: 'update-permissions', set: permissions, idempotencyKey, queued: inserted });
  } else {
    Object.assign(data, { action: 'none' });
  }
  if (unrestored) Object.assign(data, { missingNotRestored: unrestored, note: 'left for a person: see the pam-grant-without-entitlement finding of the path' });
  await s.tx.ledger.append({ at: s.now, actor: RECONCILE_ACTOR, action: 'reconcile.permissions-drift', subject: grant.id, data });
}

/**
 * The active assignment that approves the path (so that the delivered update is recorded on the grant, as a
 * delivered grant is): the grant's own, one the diff names, else the principal's identity's first assignment whose
 * mapping gives this standing path.
 */
async function approvingAssignment(s: SyncTx, grant: Grant, named: readonly string[], identity: Identity | undefined): Promise<Assignment | undefined> {
  for (const id of [grant.assignmentId, ...named]) {
    const a = isId('assignment', id) ? await s.tx.assignments.get(id) : undefined;
    if (a?.status === 'active') return a;
  }
  if (!s.set || !identity) return undefined;
  const principal = grant.principal.toLowerCase();
  for (const a of await s.tx.assignments.listByIdentity(identity.id, { activeOnly: true })) {
    const entitlement = await s.tx.entitlements.get(a.entitlementId);
    if (!entitlement || entitlement.deletedAt) continue;
    const { paths } = await mappedPaths(s.set, entitlement, identity);
    if (paths.some((p) => p.mode === 'standing' && p.principal.toLowerCase() === principal && targetKey(p.target) === targetKey(grant.target))) return a;
  }
  return undefined;
}
