/**
 * After the last stop: reads the SQLite state file directly (read-only) and compares it with what the traffic
 * was told was done, and with what the PAM fake saw.
 */
import Database from 'better-sqlite3';
import type { CallLog } from '../../fakes/call-log.ts';
import type { TrafficRecord } from './traffic.ts';

export interface StateCheck {
  readonly lost: string[];
  readonly checked: { users: number; groups: number; memberships: number; nonMemberships: number; webhooks: number; uncertain: number };
  readonly inboxRows: number;
  readonly outboxRows: number;
  readonly outboxByStatus: Record<string, number>;
  readonly revocationsVerified: number;
}

export function checkState(dbFile: string, record: TrafficRecord, webhookConnector: string | undefined): StateCheck {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const lost: string[] = [];
    const identity = db.prepare('SELECT id FROM identities WHERE id = ? AND deleted_at IS NULL');
    for (const [userName, id] of record.users) if (!identity.get(id)) lost.push(`user ${userName} (${id})`);
    const entitlement = db.prepare('SELECT id FROM entitlements WHERE id = ? AND deleted_at IS NULL');
    for (const [name, id] of record.groups) if (!entitlement.get(id)) lost.push(`group ${name} (${id})`);
    const active = db.prepare("SELECT id FROM assignments WHERE entitlement_id = ? AND identity_id = ? AND status = 'active'");
    let memberships = 0;
    let nonMemberships = 0;
    let uncertain = 0;
    for (const [key, pair] of record.pairs) {
      if (!pair.certain) {
        uncertain += 1;
        continue;
      }
      const [g, u] = key.split('|') as [string, string];
      const has = active.get(g, u) !== undefined;
      if (pair.member) memberships += 1;
      else nonMemberships += 1;
      if (has !== pair.member) lost.push(`membership ${key}: expected ${pair.member ? 'member' : 'not a member'}`);
    }
    let webhooks = 0;
    if (webhookConnector !== undefined) {
      const inbox = db.prepare('SELECT id FROM inbox WHERE connector_id = ? AND dedupe_key = ?');
      for (const id of record.webhookIds) {
        webhooks += 1;
        if (!inbox.get(webhookConnector, `id:${id}`)) lost.push(`webhook ${id}`);
      }
    }
    const inboxRows = (db.prepare('SELECT count(*) AS n FROM inbox').get() as { n: number }).n;
    const outboxByStatus: Record<string, number> = {};
    for (const row of db.prepare('SELECT status, count(*) AS n FROM outbox GROUP BY status').all() as { status: string; n: number }[]) {
      outboxByStatus[row.status] = row.n;
    }
    const outboxRows = Object.values(outboxByStatus).reduce((a, b) => a + b, 0);
    const revocationsVerified = (db.prepare("SELECT count(*) AS n FROM revocations WHERE status = 'verified'").get() as { n: number }).n;
    return {
      lost, inboxRows, outboxRows, outboxByStatus, revocationsVerified,
      checked: { users: record.users.size, groups: record.groups.size, memberships, nonMemberships, webhooks, uncertain },
    };
  } finally {
    db.close();
  }
}

export interface OutboxBacklog {
  /** Messages that are due now: queued, failed with the retry time passed, or claimed with the lease run out. */
  readonly due: number;
  /** Failed messages waiting for their retry time. */
  readonly waiting: number;
  /** Messages claimed under a lease that has not run out (in flight, or orphaned by a killed process). */
  readonly leased: number;
}

/** The outbox backlog, read while the gateway runs (WAL readers do not block it). */
export function outboxBacklog(dbFile: string, now = Date.now()): OutboxBacklog {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const at = new Date(now).toISOString();
    const n = (sql: string): number => (db.prepare(sql).get({ at }) as { n: number }).n;
    return {
      due: n("SELECT count(*) AS n FROM outbox WHERE status = 'queued' OR (status = 'failed' AND next_attempt_at <= @at) OR (status = 'sending' AND claimed_until <= @at)"),
      waiting: n("SELECT count(*) AS n FROM outbox WHERE status = 'failed' AND next_attempt_at > @at"),
      leased: n("SELECT count(*) AS n FROM outbox WHERE status = 'sending' AND claimed_until > @at"),
    };
  } finally {
    db.close();
  }
}

/**
 * After a full drain, the fake's safes hold exactly the memberships the traffic was told were made: each
 * settled (group, user) pair is a member of the group's safe (as the mapping's `CORP\\user`) iff it was added
 * last. Returns the pairs that disagree.
 */
export function unconverged(record: TrafficRecord, members: (safe: string) => ReadonlySet<string> | undefined, safeOf: (groupName: string) => string): string[] {
  const groupNames = new Map([...record.groups].map(([name, id]) => [id, name]));
  const userNames = new Map([...record.users].map(([name, id]) => [id, name]));
  const out: string[] = [];
  for (const [key, pair] of record.pairs) {
    if (!pair.certain) continue;
    const [g, u] = key.split('|') as [string, string];
    const group = groupNames.get(g);
    const user = userNames.get(u);
    if (group === undefined || user === undefined) continue;
    const has = members(safeOf(group))?.has(`corp\\${user}`.toLowerCase()) ?? false;
    if (has !== pair.member) out.push(`${group} / ${user}: PAM ${has ? 'has' : 'lacks'} the membership`);
  }
  return out;
}

/** Idempotency keys whose effect the fake applied more than once. */
export function duplicateEffects(calls: CallLog): string[] {
  return [...calls.effectsByKey()].filter(([, n]) => n > 1).map(([k, n]) => `${k} x${n}`);
}

/**
 * Revocations the state reports `verified` whose PAM removal was not followed by a read-back at the fake: for
 * each revoke call of a verified revocation (outbox key `<revocationId>:revoke:<connector>/safe/<safe>|…`), a GET
 * of that safe's members must come after the last such call. Returns the revocations without one.
 */
export function verifiedWithoutReadBack(dbFile: string, calls: CallLog): { verified: number; checkedCalls: number; superseded: number; missing: string[] } {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const verified = db.prepare("SELECT id FROM revocations WHERE status = 'verified'").all() as { id: string }[];
    // A revoke settled as superseded (a newer grant or revoke of the same path followed it, docs/intake-and-outbox.md
    // "Path order") carries no read-back obligation of its own: the newer message does, and is checked in its turn.
    const keysOf = db.prepare("SELECT idempotency_key AS k FROM outbox WHERE idempotency_key LIKE ? || ':revoke:%' AND (response IS NULL OR response NOT LIKE '%\"superseded\"%')");
    const supersededOf = db.prepare("SELECT count(*) AS n FROM outbox WHERE idempotency_key LIKE ? || ':revoke:%' AND response LIKE '%\"superseded\"%'");
    let superseded = 0;
    const all = calls.all();
    const missing: string[] = [];
    let checkedCalls = 0;
    for (const { id } of verified) {
      superseded += (supersededOf.get(id) as { n: number }).n;
      for (const { k } of keysOf.all(id) as { k: string }[]) {
        const safe = /\/safe\/([^|]+)\|/.exec(k)?.[1]?.toLowerCase();
        if (!safe) continue;
        checkedCalls += 1;
        const last = all.filter((c) => c.idempotencyKey === k).reduce((n, c) => Math.max(n, c.seq), 0);
        const readBack = all.some((c) => c.seq > last && c.method === 'GET' && c.path.toLowerCase().includes(`/safes/${safe}/members`));
        if (!readBack) missing.push(`${id} (${k})`);
      }
    }
    return { verified: verified.length, checkedCalls, superseded, missing };
  } finally {
    db.close();
  }
}

/**
 * Calls the fake applied again for the same idempotency key after the opposite change to the same membership in
 * between: a grant re-sent over a later revoke, or a revoke re-sent over a later grant (known defect: an outbox
 * message whose answer was lost, or whose claim a killed process held, is re-sent when its retry or lease comes
 * due even if a later change to the same membership was delivered meanwhile).
 */
export function staleReplays(calls: CallLog): string[] {
  const all = calls.all();
  const out: string[] = [];
  for (const [key, n] of calls.effectsByKey()) {
    if (n < 2) continue;
    const applied = all.filter((c) => c.idempotencyKey === key && c.effects.length > 0);
    const first = applied[0]!;
    const last = applied[applied.length - 1]!;
    const resource = first.effects[0]!;
    const between = all.some((c) => c.seq > first.seq && c.seq < last.seq && c.method !== first.method && c.effects.includes(resource));
    if (between) out.push(`${key} x${n}`);
  }
  return out;
}

/**
 * Each member removal the fake applied must be followed by a read-back of that safe's membership (a GET on the
 * safe's members), else a revocation could have been reported done unverified. Returns the removals without one.
 */
export function removalsWithoutReadBack(calls: CallLog): string[] {
  const all = calls.all();
  const missing: string[] = [];
  for (const del of all) {
    if (del.method !== 'DELETE' || del.effects.length === 0) continue;
    const m = /\/Safes\/([^/]+)\/Members/i.exec(del.path);
    if (!m) continue;
    const safe = m[1]!.toLowerCase();
    const readBack = all.some((c) => c.seq > del.seq && c.method === 'GET' && c.path.toLowerCase().includes(`/safes/${safe}/members`));
    if (!readBack) missing.push(`${del.path} (call ${del.seq})`);
  }
  return missing;
}
