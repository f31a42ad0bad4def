/**
 * The scripted story, played over the gateway's real endpoints only:
 * 1. Approve: SailPoint and Okta push identities, entitlements (governance extension) and memberships over SCIM.
 * 2. Elevate: Teleport asks for roles just in time (one allowed, one denied for an overdue review, one
 *    break-glass), and an approval hook asks synchronously for too long a window (denied).
 * 3. Evidence: Teleport and CyberArk sessions start and end.
 * 4. Revoke, both ways: SailPoint removes a member, and the safe membership must go at CyberArk; a PAM alert
 *    feed reports a compromised service-account key, and SailPoint must be told.
 * 5. Reconcile: a full pass finds what PAM holds and IGA never approved.
 * The CyberArk fake also holds a member nobody approved (seeded): reconciliation's unsynchronised access.
 */
import { OKTA_MEMBERSHIPS, OKTA_USERS, REVOKED_MEMBERSHIP, SAILPOINT_MEMBERSHIPS, SAILPOINT_USERS, oktaGroups, sailpointGroups } from './cast.ts';
import type { HttpAnswer } from './http-call.ts';
import type { PamTraffic } from './pam-traffic.ts';
import type { ScimPusher } from './scim-pusher.ts';

export interface TeleportAsk {
  readonly label: string;
  readonly user: string;
  readonly role: string;
  /** What the approved context says should happen (the demo reports what did). */
  readonly expected: string;
  readonly requestId: string;
  readonly answer: HttpAnswer;
}

export interface ScenarioRecord {
  readonly teleport: readonly TeleportAsk[];
  readonly decision: HttpAnswer;
  readonly sessions: readonly HttpAnswer[];
  readonly cyberArkSyslog: 'sent' | undefined;
  readonly reconcile: HttpAnswer;
  readonly compromise: HttpAnswer;
}

export interface ScenarioDeps {
  readonly sailpoint: ScimPusher;
  readonly okta: ScimPusher;
  readonly pam: PamTraffic;
  readonly now: () => number;
  readonly say: (line: string) => void;
  /** Waits until the gateway has caught up (bounded), between acts. */
  readonly settle: (act: string) => Promise<void>;
  /** Asks the admin API for a full reconciliation now. */
  readonly reconcileNow: () => Promise<HttpAnswer>;
}

async function pushIga(pusher: ScimPusher, users: typeof SAILPOINT_USERS, groups: ReturnType<typeof sailpointGroups>, memberships: typeof SAILPOINT_MEMBERSHIPS): Promise<void> {
  for (const u of users) await pusher.upsertUser(u);
  for (const g of groups) await pusher.upsertGroup(g);
  for (const [group, userName] of memberships) await pusher.addMember(group, userName);
}

export async function approveAct(deps: ScenarioDeps): Promise<void> {
  const { say } = deps;
  say('1. Approve — IGA pushes identities and privileged entitlements over SCIM');
  await pushIga(deps.sailpoint, SAILPOINT_USERS, sailpointGroups(deps.now()), SAILPOINT_MEMBERSHIPS);
  say(`   SailPoint: ${SAILPOINT_USERS.length} users (svc-report has no owner), 3 access profiles (PAM-Payroll-Admins review overdue, PAM-Ops-Users no owner), ${SAILPOINT_MEMBERSHIPS.length} memberships`);
  await pushIga(deps.okta, OKTA_USERS, oktaGroups(deps.now()), OKTA_MEMBERSHIPS);
  say(`   Okta: ${OKTA_USERS.length} users (bg-admin is a break-glass account), 3 Teleport role groups (teleport-auditor review overdue), ${OKTA_MEMBERSHIPS.length} memberships`);
  await deps.settle('approve');
}

export async function elevateAct(deps: ScenarioDeps): Promise<Omit<ScenarioRecord, 'reconcile' | 'compromise'>> {
  const { say, pam } = deps;
  say('2. Elevate — Teleport asks for roles just in time (access-request webhook, basic auth)');
  const asks: Omit<TeleportAsk, 'requestId' | 'answer'>[] = [
    { label: 'alice → dba', user: 'alice@corp.example', role: 'dba', expected: 'allow (active assignment, owner, review current)' },
    { label: 'bob → auditor', user: 'bob@corp.example', role: 'auditor', expected: 'deny (review overdue)' },
    { label: 'bg-admin → prod-admin', user: 'breakglass@corp.example', role: 'prod-admin', expected: 'allow as break-glass, with a post-use review finding' },
  ];
  const teleport: TeleportAsk[] = [];
  for (const a of asks) {
    const { requestId, answer } = await pam.requestTeleportRole(a.user, a.role, `demo: ${a.label}`);
    teleport.push({ ...a, requestId, answer });
    say(`   ${a.label.padEnd(24)} webhook → ${answer.status} ${statusWord(answer)}`);
  }
  const decision = await pam.askDecision('alice@corp.example', 'dba', 480, 'demo: 8 hours of dba');
  say(`   alice → dba for 8 h (synchronous decision call) → ${decision.status} ${decisionWord(decision)}`);

  say('3. Evidence — sessions start and end');
  const sessions = await pam.teleportSession('alice@corp.example', 'db-1.corp.example');
  say(`   Teleport session of alice on db-1: audit events → ${sessions.map((s) => s.status).join(', ')}`);
  const cyberArkSyslog = await pam.cyberArkSession('carol', 'Finance', 'Operating System-WinDomain-fin-db-Administrator');
  say(cyberArkSyslog === 'sent'
    ? '   CyberArk PSM session of carol on Finance: Vault audit records 295, 300, 302 sent over syslog'
    : '   CyberArk PSM session: skipped — this gateway build exposes no syslog listener for cyberark-prod');
  await deps.settle('elevate');
  return { teleport, decision, sessions, cyberArkSyslog };
}

export async function revokeAct(deps: ScenarioDeps): Promise<HttpAnswer> {
  deps.say(`4. Revoke — SailPoint removes ${REVOKED_MEMBERSHIP.userName} from ${REVOKED_MEMBERSHIP.group}; the ${REVOKED_MEMBERSHIP.safe} safe membership must go at CyberArk`);
  await deps.sailpoint.removeMember(REVOKED_MEMBERSHIP.group, REVOKED_MEMBERSHIP.userName);
  const compromise = await deps.pam.reportCompromise('svc-backup', 'ops/svc-backup-api-key', 'secret scanner: key found in corp/ops-scripts');
  deps.say(`   and the other way: the PAM alert feed reports svc-backup's API key compromised (Standard Webhooks) → ${compromise.status} ${statusWord(compromise)}; SailPoint must be told`);
  await deps.settle('revoke');
  return compromise;
}

export async function reconcileAct(deps: ScenarioDeps): Promise<HttpAnswer> {
  deps.say('5. Reconcile — a full pass now: PAM inventory against what IGA approved (admin API)');
  const answer = await deps.reconcileNow();
  deps.say(answer.status === 404
    ? '   no on-demand reconciliation route in this build; the reconciler runs on its own schedule'
    : `   POST /api/v1/reconcile → ${answer.status}${answer.status >= 400 ? ` ${JSON.stringify(answer.body)}` : ''}`);
  await deps.settle('reconcile');
  return answer;
}

function statusWord(a: HttpAnswer): string {
  const b = a.body as { status?: string; reason?: string } | undefined;
  if (a.status === 404) return '(webhook intake not wired in this build, or unknown connector)';
  return b && typeof b === 'object' ? `${b.status ?? ''}${b.reason ? ` (${b.reason})` : ''}` : '';
}

function decisionWord(a: HttpAnswer): string {
  const b = a.body as { outcome?: string; reasons?: { code: string }[]; message?: string } | undefined;
  if (a.status === 404) return '(decisions route not wired in this build)';
  if (!b || typeof b !== 'object') return '';
  if (b.outcome) return `${b.outcome}${b.reasons ? ` (${b.reasons.map((r) => r.code).join(', ')})` : ''}`;
  return b.message ?? '';
}
