/**
 * The end-of-scenario summary: every figure read from the gateway (admin API, SCIM, state store) or from the
 * vendor fakes' own state. A part of the product that did not act shows as zero or "not observed", never as a
 * made-up result. Written as `demo-summary.json` in the demo directory too.
 */
import type { HealthSummary } from '../../console/shared/api-types.ts';
import type { InboxStatus } from '../../gateway/domain/inbox-event.ts';
import type { Store } from '../../gateway/store/store.ts';
import type { DemoFakes } from './demo-fakes.ts';
import { DEMO_SAFES, UNSYNCHRONISED_MEMBER } from './demo-fakes.ts';
import { DEMO_CONNECTORS } from './demo-config.ts';
import { REVOKED_MEMBERSHIP } from './cast.ts';
import type { Observation } from './observe.ts';
import type { ScenarioRecord } from './scenario.ts';
import type { ScimPusher } from './scim-pusher.ts';

export interface ElevationOutcome {
  readonly label: string;
  readonly expected: string;
  /** As recorded in the state store for the vendor's request id; undefined when nothing was recorded. */
  readonly recorded: 'allow' | 'deny' | undefined;
  readonly reasons: readonly string[];
  readonly breakGlass: boolean;
  /** The request's state at Teleport (APPROVED/DENIED once Lockstep answered it). */
  readonly teleportState: string | undefined;
}

export interface DemoSummary {
  readonly scim: Readonly<Record<string, { readonly users: number; readonly groups: number }>>;
  /** Groups with PAM usage, as IGA reads them back over SCIM. */
  readonly usage: readonly { readonly displayName: string; readonly sessionCount: number; readonly lastUsed: string | undefined }[];
  /** Revocations recorded, by cause, direction and status. */
  readonly revocations: readonly { readonly cause: string; readonly direction: string; readonly status: string }[];
  readonly inbox: Readonly<Record<InboxStatus, number>>;
  readonly health: HealthSummary | undefined;
  readonly elevations: readonly ElevationOutcome[];
  readonly cyberark: {
    readonly members: Readonly<Record<string, readonly string[]>>;
    readonly memberAdds: number;
    readonly memberRemovals: number;
    readonly revokedAtPam: boolean;
  };
  readonly iga: { readonly notifications: number; readonly aggregations: number };
  readonly observed: {
    readonly webhookIntake: boolean;
    readonly syncEngine: boolean;
    readonly syslog: boolean;
    readonly reconcileOnDemand: boolean;
    readonly unsynchronisedFinding: boolean;
  };
}

export interface SummaryDeps {
  readonly store: Store;
  readonly fakes: DemoFakes;
  readonly pushers: readonly ScimPusher[];
}

const ok = (status: number | undefined): boolean => status !== undefined && status >= 200 && status < 300;

export async function collectSummary(deps: SummaryDeps, record: ScenarioRecord, observation: Observation): Promise<DemoSummary> {
  const scim: Record<string, { users: number; groups: number }> = {};
  const usage: DemoSummary['usage'][number][] = [];
  for (const p of deps.pushers) {
    scim[p.connectorId] = { users: await p.count('Users'), groups: await p.count('Groups') };
    usage.push(...(await p.groupUsage()).filter((g) => g.sessionCount > 0));
  }
  const revocations = (await deps.store.revocations.list({}, { startIndex: 1, count: 100 })).items.map((r) => ({ cause: r.cause, direction: r.direction, status: r.status }));
  const elevations: ElevationOutcome[] = [];
  for (const ask of record.teleport) {
    const e = await deps.store.elevations.getByExternalId(DEMO_CONNECTORS.teleport, ask.requestId);
    const d = e?.decision;
    elevations.push({
      label: ask.label, expected: ask.expected, recorded: d?.outcome,
      reasons: d?.outcome === 'deny' ? d.reasons.map((r) => r.code) : [],
      breakGlass: d?.outcome === 'allow' ? d.breakGlass : false,
      teleportState: deps.fakes.teleport.state.requests.get(ask.requestId)?.state,
    });
  }
  const calls = deps.fakes.cyberark.calls;
  const memberAdds = calls.filter({ method: 'POST', path: /\/Safes\/[^/]+\/Members$/i }).filter((c) => ok(c.status)).length;
  const memberRemovals = calls.filter({ method: 'DELETE', path: /\/Safes\/[^/]+\/Members\/[^/]+$/i }).filter((c) => ok(c.status)).length;
  const members = Object.fromEntries(DEMO_SAFES.map((s) => [s, deps.fakes.cyberark.state.memberNames(s)]));
  const byKind = observation.health?.findings.byKind ?? {};
  return {
    scim,
    usage,
    revocations,
    inbox: observation.inbox,
    health: observation.health,
    elevations,
    cyberark: {
      members, memberAdds, memberRemovals,
      revokedAtPam: memberRemovals > 0 && deps.fakes.cyberark.state.member(REVOKED_MEMBERSHIP.safe, REVOKED_MEMBERSHIP.pamPrincipal) === undefined,
    },
    iga: { notifications: deps.fakes.iga.state.webhooks.length, aggregations: deps.fakes.iga.state.aggregations.length },
    observed: {
      webhookIntake: record.teleport.some((t) => t.answer.status === 200) || record.sessions.some((s) => s.status === 200) || record.compromise.status === 200,
      syncEngine: memberAdds > 0 || elevations.some((e) => e.recorded !== undefined),
      syslog: record.cyberArkSyslog === 'sent',
      reconcileOnDemand: ok(record.reconcile.status),
      unsynchronisedFinding: (byKind['pam-grant-without-entitlement'] ?? 0) > 0,
    },
  };
}

const yes = (b: boolean): string => (b ? 'yes' : 'not observed');

export function formatSummary(s: DemoSummary): string[] {
  const lines = ['', 'Summary (read back from the gateway and the vendor fakes)'];
  for (const [c, n] of Object.entries(s.scim)) lines.push(`  SCIM ${c.padEnd(10)} ${n.users} users, ${n.groups} groups`);
  lines.push(`  Inbox          ${Object.entries(s.inbox).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (s.health) {
    const h = s.health;
    lines.push(`  Events         ${h.events.lastSeq} domain events, ${h.ledger.entries} ledger entries`);
    lines.push(`  Outbox         ${Object.entries(h.outbox).map(([k, v]) => `${k} ${v}`).join(', ') || 'empty'}`);
    const kinds = Object.entries(h.findings.byKind).map(([k, v]) => `${k} ${v}`).join(', ');
    lines.push(`  Findings       ${h.findings.open} open${kinds ? `: ${kinds}` : ''} (unsynchronised access: ${h.unsynchronised})`);
    lines.push(`  Conflicts      ${h.conflicts.open} open`);
  } else {
    lines.push('  Admin API      /api/v1/health did not answer');
  }
  lines.push(`  Revocations    ${s.revocations.map((r) => `${r.cause} (${r.direction}) ${r.status}`).join('; ') || 'none recorded'}`);
  lines.push(`  Usage (SCIM)   ${s.usage.map((u) => `${u.displayName}: ${u.sessionCount} session(s), last used ${u.lastUsed ?? '?'}`).join('; ') || 'no PAM usage on any group yet'}`);
  lines.push('  JIT decisions');
  for (const e of s.elevations) {
    const got = e.recorded === undefined ? 'no decision recorded' : `${e.recorded}${e.breakGlass ? ' (break-glass)' : ''}${e.reasons.length ? ` [${e.reasons.join(', ')}]` : ''}`;
    lines.push(`    ${e.label.padEnd(24)} expected ${e.expected}; got ${got}; Teleport request ${e.teleportState ?? '?'}`);
  }
  lines.push(`  CyberArk       ${s.cyberark.memberAdds} member adds, ${s.cyberark.memberRemovals} removals; ${Object.entries(s.cyberark.members).map(([safe, m]) => `${safe}: ${m.join(' ') || '—'}`).join('; ')}`);
  lines.push(`  IGA notified   ${s.iga.notifications} webhooks, ${s.iga.aggregations} aggregation requests`);
  lines.push(`  Observed       webhook intake ${yes(s.observed.webhookIntake)}; sync engine acting at PAM ${yes(s.observed.syncEngine)}; ` +
    `revocation at CyberArk ${yes(s.cyberark.revokedAtPam)}; syslog ${yes(s.observed.syslog)}; reconciliation on demand ${yes(s.observed.reconcileOnDemand)}; ` +
    `${UNSYNCHRONISED_MEMBER.memberName} in ${UNSYNCHRONISED_MEMBER.safe} found as unsynchronised ${yes(s.observed.unsynchronisedFinding)}`);
  return lines;
}
