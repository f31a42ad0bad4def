/**
 * Time-driven work: assignments past `expiresAt` end (`expired`, with an `assignment.removed` event that the
 * engine turns into a revocation, like any other removal), elevation windows that ended are closed at PAM,
 * revocations still unverified after the grace period raise `revocation-pending`, and a periodic pass checks the
 * secret age of every non-human identity.
 *
 * Several replicas run these timers over one database: each transaction first locks the engine's cursor (the
 * name given as `lock`), so timer transactions take turns with each other and with the engine's batches, and
 * each re-reads its row under that lock and acts only when it still applies (an assignment still active, a
 * window still open, a revocation still unverified). A second replica reaching the same expiry finds it done.
 */
import { isoAt } from '../domain/clock.ts';
import { isNonHuman } from '../domain/identity.ts';
import type { Store } from '../store/store.ts';
import { endElevationWindow } from './elevation-decider.ts';
import { checkSecretAge } from './nhi-handler.ts';
import type { SyncEnvironment, SyncTx } from './sync-context.ts';
import { emit, ledger, raiseFinding } from './sync-writes.ts';
import { DEFAULT_FINDING_POLICY, revocationPending } from '../domain/finding-rules.ts';
import { msBetween } from '../domain/iso-time.ts';

const LIMIT = 200;

export interface TimerDeps {
  readonly store: Store;
  readonly env: SyncEnvironment;
  readonly secretPass: boolean;
  /** The cursor every timer transaction locks first (the sync engine's). */
  readonly lock: string;
}

export async function runTimers(deps: TimerDeps): Promise<number> {
  const { store, env } = deps;
  let enqueued = 0;
  const inTx = async (fn: (s: SyncTx) => Promise<void>): Promise<void> => {
    await store.transaction(async (tx) => {
      await tx.cursors.lock(deps.lock);
      const s: SyncTx = { tx, env, now: isoAt(env.clock), nowMs: env.clock.now(), set: env.mappings(), enqueued: 0 };
      await fn(s);
      enqueued += s.enqueued;
    });
  };

  const now = isoAt(env.clock);
  for (const a of await store.assignments.listExpiring(now, LIMIT)) {
    await inTx(async (s) => {
      const current = await s.tx.assignments.get(a.id);
      if (!current || current.status !== 'active') return;
      await s.tx.assignments.update({ ...current, status: 'expired', endedAt: s.now, endedBy: 'expiry', updatedAt: s.now });
      await ledger(s, 'assignment.expired', current.id, { expiresAt: current.expiresAt ?? null, identityId: current.identityId, entitlementId: current.entitlementId });
      await emit(s, 'assignment.removed', current.entitlementId, {
        assignmentId: current.id, entitlementId: current.entitlementId, identityId: current.identityId, cause: 'assignment-expired', connectorId: current.connectorId,
      });
    });
  }
  for (const e of await store.elevations.listEnding(now, LIMIT)) {
    await inTx(async (s) => {
      const current = await s.tx.elevations.get(e.id);
      if (current) await endElevationWindow(s, current);
    });
  }
  const stuck = [
    ...(await store.revocations.list({ status: 'pending' }, { startIndex: 1, count: LIMIT })).items,
    ...(await store.revocations.list({ status: 'in-progress' }, { startIndex: 1, count: LIMIT })).items,
  ].filter((r) => msBetween(r.createdAt, now) >= DEFAULT_FINDING_POLICY.revocationGraceSeconds * 1000);
  if (stuck.length > 0) {
    await inTx(async (s) => {
      for (const listed of stuck) {
        const r = await s.tx.revocations.get(listed.id);
        if (!r || (r.status !== 'pending' && r.status !== 'in-progress')) continue;
        const identity = r.identityId ? await s.tx.identities.get(r.identityId) : undefined;
        const f = revocationPending(r, s.now, DEFAULT_FINDING_POLICY.revocationGraceSeconds, identity);
        if (f) await raiseFinding(s, f);
      }
    });
  }
  if (deps.secretPass) {
    for await (const batch of store.identities.scan(500)) {
      const nhis = batch.filter((i) => isNonHuman(i.kind));
      if (nhis.length > 0) await inTx(async (s) => {
        for (const i of nhis) await checkSecretAge(s, i);
      });
    }
  }
  return enqueued;
}
