/**
 * A small demo state written through the real store: an entitlement with an owner and a holder, findings of
 * several kinds and severities (tagged), open conflicts, a dead letter, and ledger entries. Used by the admin
 * API tests, the console e2e test and `scripts/screenshots.ts`.
 */
import { randomBytes } from 'node:crypto';
import type { Conflict } from '../../../gateway/domain/conflict.ts';
import { detectBothSidesChanged, detectUnapprovedGrant } from '../../../gateway/domain/conflict-rules.ts';
import type { Finding, FindingKind, Severity } from '../../../gateway/domain/finding.ts';
import { tagsForFinding } from '../../../gateway/domain/framework-tags.ts';
import { newId, type ConflictId, type EntitlementId, type FindingId, type OutboxId } from '../../../gateway/domain/ids.ts';
import type { Store } from '../../../gateway/store/store.ts';

const random = (n: number) => randomBytes(n);
const HOUR = 3_600_000;

export interface Seeded {
  readonly entitlementId: EntitlementId;
  readonly findings: readonly Finding[];
  readonly bothSidesChanged: ConflictId;
  readonly unapproved: ConflictId;
  readonly deadLetter: OutboxId;
}

const FINDINGS: readonly [FindingKind, Severity, string, Record<string, string>, number][] = [
  ['pam-grant-without-entitlement', 'critical', 'eve has standing access to safe PAYROLL at CyberArk that IGA never approved', { connectorId: 'cyberark-prod', target: 'cyberark-prod/safe/PAYROLL', principal: 'eve' }, 2],
  ['revocation-pending', 'high', 'IGA removed carol from PAM-PRODDB-Users 40 minutes ago; CyberArk still lists her', { connectorId: 'cyberark-prod', target: 'cyberark-prod/safe/PRODDB', principal: 'carol' }, 1],
  ['review-overdue', 'medium', 'PAM-PRODDB-Users was last certified 130 days ago (cadence 90)', { entitlementId: '' }, 30],
  ['nhi-without-owner', 'high', 'Service account svc-etl holds a Vault role with no accountable owner', { identityId: 'idn_svc_etl' }, 12],
  ['elevation-overstay', 'high', 'dave is still elevated on role prod-admin 25 minutes after the window ended', { connectorId: 'teleport', principal: 'dave' }, 3],
  ['mapping-unresolved', 'low', 'Entitlement "PAM-LEGACY-Ops" matches no mapping', { mapping: 'cyberark-safes', connectorId: 'sailpoint' }, 48],
];

export async function seedDemo(store: Store, nowMs: number): Promise<Seeded> {
  const iso = (ms: number) => new Date(ms).toISOString();
  const now = iso(nowMs);
  const entitlementId = newId('entitlement', nowMs, random);
  const identityId = newId('identity', nowMs, random);
  await store.entitlements.insert({
    id: entitlementId, connectorId: 'sailpoint', externalId: 'ap-1001', displayName: 'PAM-PRODDB-Users', resource: {}, version: 1,
    createdAt: iso(nowMs - 200 * 24 * HOUR), updatedAt: now,
    governance: { owner: 'alice', reviewCadenceDays: 90, lastCertifiedAt: iso(nowMs - 130 * 24 * HOUR), riskTier: 'high', breakGlass: false, nonHuman: false },
  });
  await store.identities.insert({ id: identityId, connectorId: 'sailpoint', userName: 'bob', kind: 'human', active: true, resource: {}, version: 1, createdAt: now, updatedAt: now });
  await store.assignments.insert({
    id: newId('assignment', nowMs, random), connectorId: 'sailpoint', entitlementId, identityId, approver: 'alice',
    approvedAt: iso(nowMs - 30 * 24 * HOUR), status: 'active', sessionCount: 0, updatedAt: now,
  });

  const findings: Finding[] = [];
  for (const [i, [kind, severity, summary, subject, hoursAgo]] of FINDINGS.entries()) {
    const s = kind === 'review-overdue' ? { entitlementId } : subject;
    const f: Finding = {
      id: newId('finding', nowMs + i, random) as FindingId, kind, key: `${kind}:${Object.values(s).join('|')}`, severity, subject: s, summary,
      status: 'open', evidence: { seededBy: 'demo', ...s }, tags: tagsForFinding(kind, { nonHuman: kind.startsWith('nhi') }),
      firstSeenAt: iso(nowMs - hoursAgo * HOUR), lastSeenAt: iso(nowMs - HOUR / 2),
    };
    await store.findings.upsert(f);
    findings.push(f);
  }

  const target = { connectorId: 'cyberark-prod', kind: 'safe' as const, ref: 'PRODDB' };
  const both = detectBothSidesChanged({
    target, principal: 'CORP\\bob', lastSyncAt: iso(nowMs - 5 * HOUR),
    iga: { present: true, permissions: ['useAccounts', 'listAccounts'], mode: 'standing', changedAt: iso(nowMs - 2 * HOUR) },
    pam: { present: true, permissions: ['useAccounts', 'listAccounts', 'manageSafeMembers'], mode: 'standing', changedAt: iso(nowMs - HOUR) },
  })!;
  const unapproved = detectUnapprovedGrant({
    id: newId('grant', nowMs, random), target: { ...target, ref: 'PAYROLL' }, principal: 'CORP\\eve', permissions: ['useAccounts'], mode: 'standing',
    source: 'observed', status: 'active', observedAt: now, updatedAt: now,
  }, [], 'propose')!;
  const conflicts: Conflict[] = [both, unapproved].map((d, i) => ({
    id: newId('conflict', nowMs + i, random), ...d, status: 'open', createdAt: iso(nowMs - (i + 1) * HOUR), updatedAt: iso(nowMs - (i + 1) * HOUR),
  }));
  for (const c of conflicts) await store.conflicts.upsert(c);

  const deadLetter = newId('outbox', nowMs, random);
  await store.outbox.enqueue({
    id: deadLetter, connectorId: 'cyberark-prod', action: 'revoke', idempotencyKey: `demo:revoke:${deadLetter}`,
    payload: { target, principal: 'CORP\\carol' }, status: 'queued', attempts: 0, nextAttemptAt: now, createdAt: now, updatedAt: now,
  });
  await store.outbox.markFailed(deadLetter, now, 'HTTP 503 from CyberArk after 8 attempts', undefined);
  await store.outbox.enqueue({
    id: newId('outbox', nowMs + 1, random), connectorId: 'cyberark-prod', action: 'grant', idempotencyKey: `demo:grant:${entitlementId}`,
    payload: { target, principal: 'CORP\\bob' }, status: 'queued', attempts: 0, nextAttemptAt: now, createdAt: now, updatedAt: now,
  });
  await store.ledger.append({ actor: 'scim:sailpoint', action: 'entitlement.created', subject: entitlementId, data: { displayName: 'PAM-PRODDB-Users' }, at: now });
  return { entitlementId, findings, bothSidesChanged: conflicts[0]!.id, unapproved: conflicts[1]!.id, deadLetter };
}
