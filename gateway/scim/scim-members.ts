/**
 * Group membership as assignments: PATCH/PUT member operations become assignment inserts and removals (never
 * duplicated), each with its domain event and ledger entry in the caller's transaction.
 */
import type { Assignment } from '../domain/assignment.ts';
import { isId, newId } from '../domain/ids.ts';
import type { EntitlementId, IdentityId, RandomSource } from '../domain/ids.ts';
import type { Identity } from '../domain/identity.ts';
import { UniqueViolation } from '../store/store.ts';
import type { StoreTx } from '../store/store.ts';
import { VersionConflict } from './scim-context.ts';
import type { ScimContext } from './scim-context.ts';
import { badValue } from './scim-error.ts';
import { matchElement } from './scim-filter-match.ts';
import { recordEvent, recordLedger } from './scim-journal.ts';
import type { MemberOp } from './scim-patch.ts';
import { locationOf } from './scim-resource-meta.ts';
import { groupSchema } from './scim-schemas.ts';

const memberSubs = groupSchema.attributes.find((a) => a.name === 'members')?.subAttributes ?? [];

export interface MemberChanges {
  readonly added: readonly IdentityId[];
  readonly removed: readonly IdentityId[];
}

export async function endAssignments(tx: StoreTx, ctx: ScimContext, at: string, list: readonly Assignment[]): Promise<number> {
  for (const a of list) {
    await tx.assignments.update({ ...a, status: 'removed', endedAt: at, endedBy: ctx.actor, updatedAt: at });
    await recordEvent(tx, ctx, at, 'assignment.removed', a.entitlementId, { assignmentId: a.id, entitlementId: a.entitlementId, identityId: a.identityId });
    await recordLedger(tx, ctx, at, 'scim.assignment.removed', a.id, { entitlementId: a.entitlementId, identityId: a.identityId });
  }
  return list.length;
}

export class MemberWriter {
  private readonly added: IdentityId[] = [];
  private readonly removed: IdentityId[] = [];

  constructor(
    private readonly tx: StoreTx, private readonly ctx: ScimContext, private readonly entitlementId: EntitlementId,
    private readonly at: string, private readonly nowMs: number, private readonly random: RandomSource,
  ) {}

  get changes(): MemberChanges {
    return { added: this.added, removed: this.removed };
  }

  private async identity(id: string): Promise<Identity> {
    const found = isId('identity', id) ? await this.tx.identities.get(id) : undefined;
    if (!found || found.connectorId !== this.ctx.connectorId || found.deletedAt) {
      throw badValue(`member "${id}" is not a User of this connector`);
    }
    return found;
  }

  async add(ids: readonly string[]): Promise<void> {
    for (const id of new Set(ids)) {
      const identity = await this.identity(id);
      if (await this.tx.assignments.findActive(this.entitlementId, identity.id)) continue;
      const assignment: Assignment = {
        id: newId('assignment', this.nowMs, this.random), connectorId: this.ctx.connectorId, entitlementId: this.entitlementId,
        identityId: identity.id, approver: this.ctx.actor, approvedAt: this.at, status: 'active', sessionCount: 0, updatedAt: this.at,
      };
      await this.tx.assignments.insert(assignment).catch((e: unknown) => {
        if (e instanceof UniqueViolation) throw new VersionConflict();
        throw e;
      });
      await recordEvent(this.tx, this.ctx, this.at, 'assignment.added', this.entitlementId, { assignmentId: assignment.id, entitlementId: this.entitlementId, identityId: identity.id });
      await recordLedger(this.tx, this.ctx, this.at, 'scim.assignment.added', assignment.id, { entitlementId: this.entitlementId, identityId: identity.id });
      this.added.push(identity.id);
    }
  }

  private async end(list: readonly Assignment[]): Promise<void> {
    await endAssignments(this.tx, this.ctx, this.at, list);
    for (const a of list) this.removed.push(a.identityId);
  }

  async remove(ids: readonly string[]): Promise<void> {
    const ended: Assignment[] = [];
    for (const id of new Set(ids)) {
      if (!isId('identity', id)) continue;
      const a = await this.tx.assignments.findActive(this.entitlementId, id);
      if (a) ended.push(a);
    }
    await this.end(ended);
  }

  private active(): Promise<readonly Assignment[]> {
    return this.tx.assignments.listByEntitlement(this.entitlementId, { activeOnly: true });
  }

  async apply(ops: readonly MemberOp[]): Promise<void> {
    for (const op of ops) {
      switch (op.kind) {
        case 'add': await this.add(op.ids); break;
        case 'remove': await this.remove(op.ids); break;
        case 'removeAll': await this.end(await this.active()); break;
        case 'set': {
          const want = new Set(op.ids);
          await this.end((await this.active()).filter((a) => !want.has(a.identityId)));
          await this.add([...want]);
          break;
        }
        case 'removeWhere': {
          const hits: Assignment[] = [];
          for (const a of await this.active()) {
            const identity = await this.tx.identities.get(a.identityId);
            const element = { value: a.identityId, display: identity?.userName, type: 'User' };
            if (matchElement(op.filter, element, memberSubs)) hits.push(a);
          }
          await this.end(hits);
          break;
        }
      }
    }
  }
}

/** `members` as served: active assignments, `display` the member's userName. */
export async function readMembers(tx: StoreTx, baseUrl: string, active: readonly Assignment[]): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const a of active) {
    const identity = await tx.identities.get(a.identityId);
    out.push({ value: a.identityId, ...(identity ? { display: identity.userName } : {}), $ref: locationOf(baseUrl, '/Users', a.identityId), type: 'User' });
  }
  return out;
}

/** Usage read back to IGA: last session and session count over every assignment of the entitlement. */
export function usageOf(all: readonly Assignment[]): { lastUsed?: string; sessionCount: number } {
  let lastUsed: string | undefined;
  let sessionCount = 0;
  for (const a of all) {
    sessionCount += a.sessionCount;
    if (a.lastUsedAt && (!lastUsed || a.lastUsedAt > lastUsed)) lastUsed = a.lastUsedAt;
  }
  return lastUsed ? { lastUsed, sessionCount } : { sessionCount };
}
