/**
 * Deleted Users and Groups stay readable (`active: false`) for `tombstoneRetentionDays`, so that a delta
 * aggregation by `meta.lastModified` (SailPoint) sees the deletion. After that they are purged; the purge runs
 * lazily, at most once a minute, before a list that includes tombstones.
 */
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.ts';
import type { Store } from '../store/store.ts';

const PURGE_EVERY_MS = 60_000;

export class Tombstones {
  private lastPurge = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: { store: Store; clock: Clock; logger: Logger; retentionDays: number }) {}

  private cutoff(): string {
    return new Date(this.deps.clock.now() - this.deps.retentionDays * 86_400_000).toISOString();
  }

  retained(deletedAt: string): boolean {
    return deletedAt >= this.cutoff();
  }

  async purge(): Promise<void> {
    const now = this.deps.clock.now();
    if (now - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = now;
    const before = this.cutoff();
    const users = await this.deps.store.identities.purgeDeleted(before);
    const groups = await this.deps.store.entitlements.purgeDeleted(before);
    if (users + groups > 0) this.deps.logger.info({ users, groups, before }, 'purged SCIM tombstones');
  }
}
