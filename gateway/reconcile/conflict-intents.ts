/**
 * Carries out the intents of a conflict resolution (`applyResolution` in domain/conflict-resolution.ts) in the
 * caller's transaction, the way the rest of Lockstep does the same things: a revoke is a revocation saga (revoke,
 * read back, verified; `cause: conflict-resolution`), a grant goes through the outbox like an approval, a proposal
 * to IGA is a `notify-iga` call with the event and subject the IGA profiles read, an exception excepts the related
 * findings until its expiry, and the ledger entry is appended. Every outbound call is idempotent per conflict.
 */
import type { Conflict } from '../domain/conflict.ts';
import type { ResolutionIntent } from '../domain/conflict-resolution.ts';
import { FINDING_KINDS } from '../domain/finding.ts';
import { exceptFinding } from '../domain/finding-reconcile.ts';
import { targetKey } from '../domain/grant.ts';
import { pathKey } from '../domain/revocation-saga.ts';
import type { StoreTx } from '../store/store.ts';
import { startRevocation } from '../sync/revocation-writer.ts';
import { supports, type SyncEnvironment, type SyncTx } from '../sync/sync-context.ts';
import { send } from '../sync/sync-writes.ts';
import { identityOfPrincipal } from './reconcile-writes.ts';

export interface AppliedConflictIntent {
  readonly kind: ResolutionIntent['kind'];
  readonly detail: string;
}

/** Returns what was done per intent; `s.enqueued` counts the outbox messages written (nudge the dispatcher). */
export async function applyConflictIntents(tx: StoreTx, env: SyncEnvironment, conflict: Conflict, intents: readonly ResolutionIntent[]): Promise<{ applied: AppliedConflictIntent[]; enqueued: number }> {
  const nowMs = env.clock.now();
  const s: SyncTx = { tx, env, now: new Date(nowMs).toISOString(), nowMs, set: env.mappings(), enqueued: 0 };
  const applied: AppliedConflictIntent[] = [];
  const key = (what: string): string => `conflict:${conflict.id}:${what}`;
  for (const intent of intents) {
    switch (intent.kind) {
      case 'revoke': {
        const grant = await tx.grants.find(intent.target, intent.principal);
        const identity = await identityOfPrincipal(tx, intent.principal);
        const r = await startRevocation(s, {
          cause: 'conflict-resolution', direction: 'iga-to-pam', subject: identity ? { identityId: identity.id } : {},
          requestedBy: conflict.resolution?.by ?? 'conflict-resolution',
          paths: [{ target: intent.target, principal: intent.principal, ...(grant ? { grantId: grant.id } : {}) }], liveElevations: [],
        });
        applied.push({ kind: 'revoke', detail: `revocation ${r.id} of ${intent.principal} on ${targetKey(intent.target)}` });
        break;
      }
      case 'grant': {
        const inserted = await send(s, intent.target.connectorId, 'grant', key(`grant:${pathKey(intent.target, intent.principal)}`), 'grant', {
          target: { kind: intent.target.kind, ref: intent.target.ref }, targetConnectorId: intent.target.connectorId, principal: intent.principal,
          permissions: [...intent.permissions], conflictId: conflict.id, reason: 'conflict resolution',
        });
        applied.push({ kind: 'grant', detail: `grant ${intent.principal} on ${targetKey(intent.target)} [${intent.permissions.join(', ')}]${inserted ? '' : ' (already queued)'}` });
        break;
      }
      case 'propose-to-iga': {
        const identity = await identityOfPrincipal(tx, intent.principal);
        const iga = identity && supports(s, identity.connectorId, 'notify-iga') ? identity.connectorId : env.connectors().find((c) => c.kind === 'iga' && supports(s, c.id, 'notify-iga'))?.id;
        const what = `propose to IGA: ${intent.change} ${intent.principal} on ${targetKey(intent.target)}`;
        if (!iga) {
          applied.push({ kind: 'propose-to-iga', detail: `${what} (no IGA connector can be called: ledger only)` });
          break;
        }
        await send(s, iga, 'notify-iga', key(`notify-iga:${intent.change}:${pathKey(intent.target, intent.principal)}`), 'grant', {
          event: intent.change === 'add' ? 'access.proposed' : 'access.removal-proposed',
          subject: identity?.externalId ?? identity?.id ?? intent.principal,
          payload: {
            event: { type: intent.change === 'add' ? 'access.proposed' : 'access.removal-proposed', occurredAt: s.now, connectorId: intent.target.connectorId, principal: intent.principal, target: { kind: intent.target.kind, ref: intent.target.ref }, attributes: { conflictId: conflict.id, permissions: intent.permissions } },
            ...(identity ? { identity: { userName: identity.userName, externalId: identity.externalId ?? identity.id } } : {}),
            conflictId: conflict.id,
          },
        });
        applied.push({ kind: 'propose-to-iga', detail: `${what} via ${iga}` });
        break;
      }
      case 'target-policy':
        applied.push({ kind: 'target-policy', detail: `least privilege on ${targetKey(intent.target)}: [${intent.permissions.join(', ')}] ${intent.mode} (fix the mappings to make it stick)` });
        break;
      case 'exception': {
        let excepted = 0;
        for (const kind of FINDING_KINDS) {
          const f = await tx.findings.getByKey(kind, intent.key);
          if (!f || f.status !== 'open') continue;
          const r = exceptFinding(f, intent, s.now);
          if (!r.ok) continue;
          await tx.findings.upsert({ ...r.value, evidence: { ...r.value.evidence, exceptionOwner: intent.owner, exceptionReason: intent.reason } });
          await tx.ledger.append({ at: s.now, actor: intent.owner, action: 'finding.excepted', subject: f.id, data: { owner: intent.owner, reason: intent.reason, until: intent.until, conflictId: conflict.id } });
          excepted++;
        }
        applied.push({ kind: 'exception', detail: `exception owned by ${intent.owner} until ${intent.until} (${excepted} finding(s) excepted)` });
        break;
      }
      case 'ledger':
        await tx.ledger.append({ ...intent.entry, at: s.now, data: { ...intent.entry.data, applied: applied.map((a) => a.detail) } });
        break;
    }
  }
  return { applied, enqueued: s.enqueued };
}
