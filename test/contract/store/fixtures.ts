import type { Assignment } from '../../../gateway/domain/assignment.ts';
import type { Conflict } from '../../../gateway/domain/conflict.ts';
import type { Elevation } from '../../../gateway/domain/elevation.ts';
import type { Entitlement } from '../../../gateway/domain/entitlement.ts';
import type { Finding } from '../../../gateway/domain/finding.ts';
import type { Grant } from '../../../gateway/domain/grant.ts';
import type { Identity } from '../../../gateway/domain/identity.ts';
import { ID_PREFIXES, type Id, type IdKind } from '../../../gateway/domain/ids.ts';
import type { InboxEvent } from '../../../gateway/domain/inbox-event.ts';
import type { OutboxMessage } from '../../../gateway/domain/outbox-message.ts';
import type { Revocation } from '../../../gateway/domain/revocation.ts';
import type { SessionEvidence } from '../../../gateway/domain/session-evidence.ts';
import type { ApiToken } from '../../../gateway/domain/api-token.ts';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** An ISO time `minutes` after the suite's epoch. */
export const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

let counter = 0;
/** A well-formed, ascending id of `kind` (ids sort by creation, as real ones do). */
export function id<K extends IdKind>(kind: K, n = ++counter): Id<K> {
  return `${ID_PREFIXES[kind]}_${String(n).padStart(26, '0')}` as Id<K>;
}

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export function identity(over: Partial<Identity> & { userName?: string } = {}): Identity {
  const i = over.id ?? id('identity');
  const userName = over.userName ?? `user-${i.slice(-6)}`;
  return {
    id: i,
    connectorId: 'iga',
    userName,
    kind: 'human',
    active: true,
    resource: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: i, userName },
    version: 1,
    createdAt: at(0),
    updatedAt: at(0),
    ...over,
  };
}

export function entitlement(over: Partial<Entitlement> = {}): Entitlement {
  const i = over.id ?? id('entitlement');
  const displayName = over.displayName ?? `group-${i.slice(-6)}`;
  return {
    id: i,
    connectorId: 'iga',
    displayName,
    governance: { owner: 'alice', breakGlass: false, nonHuman: false, reviewCadenceDays: 90 },
    resource: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: i, displayName },
    version: 1,
    createdAt: at(0),
    updatedAt: at(0),
    ...over,
  };
}

export function assignment(ent: Entitlement, idn: Identity, over: Partial<Assignment> = {}): Assignment {
  return {
    id: id('assignment'),
    connectorId: ent.connectorId,
    entitlementId: ent.id,
    identityId: idn.id,
    approver: 'manager',
    approvedAt: at(1),
    status: 'active',
    sessionCount: 0,
    updatedAt: at(1),
    ...over,
  };
}

export function grant(over: Partial<Grant> = {}): Grant {
  return {
    id: id('grant'),
    target: { connectorId: 'cyberark', kind: 'safe', ref: 'Prod-DB' },
    principal: 'bob',
    permissions: ['useAccounts', 'listAccounts'],
    mode: 'standing',
    source: 'lockstep',
    status: 'active',
    observedAt: at(2),
    updatedAt: at(2),
    ...over,
  };
}

export function elevation(over: Partial<Elevation> = {}): Elevation {
  return {
    id: id('elevation'),
    connectorId: 'cyberark',
    externalRequestId: `req-${++counter}`,
    principal: 'bob',
    target: { connectorId: 'cyberark', kind: 'safe', ref: 'Prod-DB' },
    requestedMinutes: 30,
    requestedAt: at(10),
    decision: { outcome: 'deny', reasons: [{ code: 'no-matching-assignment', detail: 'none' }] },
    status: 'denied',
    updatedAt: at(10),
    ...over,
  };
}

export function evidence(over: Partial<SessionEvidence> = {}): SessionEvidence {
  return {
    id: id('evidence'),
    connectorId: 'cyberark',
    externalId: `session-${++counter}`,
    kind: 'session',
    principal: 'bob',
    interactive: true,
    startedAt: at(20),
    attributes: { protocol: 'ssh', 'x.y:z': [1, 2] },
    ...over,
  };
}

export function revocation(over: Partial<Revocation> = {}): Revocation {
  return {
    id: id('revocation'),
    cause: 'iga-member-removed',
    direction: 'iga-to-pam',
    status: 'pending',
    steps: [{ name: 'revoke', connectorId: 'cyberark', status: 'pending', at: at(30) }],
    requestedBy: 'iga',
    createdAt: at(30),
    updatedAt: at(30),
    ...over,
  };
}

export function finding(over: Partial<Finding> = {}): Finding {
  return {
    id: id('finding'),
    kind: 'pam-grant-without-entitlement',
    key: `key-${++counter}`,
    severity: 'high',
    subject: { principal: 'bob', target: 'cyberark/safe/Prod-DB' },
    summary: 'bob has Prod-DB with no entitlement',
    status: 'open',
    evidence: { grantId: 'grt_x' },
    tags: ['OWASP-NHI:NHI1', 'NIST-CSF-2.0:PR.AA-05'],
    firstSeenAt: at(40),
    lastSeenAt: at(40),
    ...over,
  };
}

export function conflict(over: Partial<Conflict> = {}): Conflict {
  return {
    id: id('conflict'),
    kind: 'both-sides-changed',
    key: `key-${++counter}`,
    subject: { identity: 'bob' },
    summary: 'both sides changed',
    details: { iga: 'removed', pam: 'granted' },
    status: 'open',
    createdAt: at(50),
    updatedAt: at(50),
    ...over,
  };
}

export function inboxEvent(over: Partial<InboxEvent> = {}): InboxEvent {
  return {
    id: id('inbox'),
    connectorId: 'cyberark',
    dedupeKey: `evt-${++counter}`,
    channel: 'webhook',
    contentType: 'application/json',
    body: '{"event":"SessionStarted","user":"bøb ✓"}',
    headers: { 'webhook-id': 'msg_1', 'content-type': 'application/json' },
    receivedAt: at(60),
    status: 'pending',
    attempts: 0,
    ...over,
  };
}

export function outboxMessage(over: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    id: id('outbox'),
    connectorId: 'cyberark',
    action: 'grant',
    idempotencyKey: `idem-${++counter}`,
    payload: { safe: 'Prod-DB', member: 'bob' },
    status: 'queued',
    attempts: 0,
    nextAttemptAt: at(70),
    createdAt: at(70),
    updatedAt: at(70),
    ...over,
  };
}

export function apiToken(over: Partial<ApiToken> = {}): ApiToken {
  return {
    id: id('token'),
    scope: 'scim',
    connectorId: 'iga',
    label: 'sailpoint',
    hash: `hash-${++counter}`,
    createdAt: at(0),
    ...over,
  };
}
