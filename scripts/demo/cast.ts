/**
 * The people, service accounts and entitlements of the demo, as the two IGA platforms hold them. Names follow
 * the example mappings: SailPoint access profiles `PAM-<Safe>-<Users|Admins>` become CyberArk safe memberships
 * (standing), Okta groups `teleport-<role>` become Teleport roles requested just in time.
 */
import type { DemoGroup, DemoUser } from './scim-pusher.ts';

const DAY_MS = 86_400_000;
const daysAgo = (now: number, days: number): string => new Date(now - days * DAY_MS).toISOString();

export const SAILPOINT_USERS: readonly DemoUser[] = [
  { userName: 'carol', displayName: 'Carol Finance', email: 'carol@corp.example' },
  { userName: 'dave', displayName: 'Dave Contractor', email: 'dave@corp.example' },
  { userName: 'svc-backup', displayName: 'Backup Service', email: 'svc-backup@corp.example', kind: 'service-account', owner: 'carol' },
  { userName: 'svc-report', displayName: 'Reporting Service', email: 'svc-report@corp.example', kind: 'service-account' },
];

export function sailpointGroups(now: number): DemoGroup[] {
  return [
    {
      displayName: 'PAM-Finance-Users',
      governance: { owner: 'finance-lead', justification: 'Finance month-end close', reviewCadenceDays: 90, lastCertified: daysAgo(now, 30), riskTier: 'high' },
    },
    {
      displayName: 'PAM-Payroll-Admins',
      governance: { owner: 'payroll-lead', justification: 'Payroll safe administration', reviewCadenceDays: 90, lastCertified: daysAgo(now, 200), riskTier: 'critical' },
    },
    {
      displayName: 'PAM-Ops-Users',
      governance: { justification: 'Batch jobs on ops hosts', reviewCadenceDays: 180, lastCertified: daysAgo(now, 20), riskTier: 'medium', nonHuman: true },
    },
  ];
}

export const SAILPOINT_MEMBERSHIPS: readonly (readonly [group: string, userName: string])[] = [
  ['PAM-Finance-Users', 'carol'],
  ['PAM-Finance-Users', 'dave'],
  ['PAM-Payroll-Admins', 'carol'],
  ['PAM-Ops-Users', 'svc-backup'],
  ['PAM-Ops-Users', 'svc-report'],
];

export const OKTA_USERS: readonly DemoUser[] = [
  { userName: 'alice', displayName: 'Alice DBA', email: 'alice@corp.example' },
  { userName: 'bob', displayName: 'Bob Auditor', email: 'bob@corp.example' },
  { userName: 'bg-admin', displayName: 'Break Glass', email: 'breakglass@corp.example', kind: 'break-glass', owner: 'secops-lead' },
];

export function oktaGroups(now: number): DemoGroup[] {
  return [
    {
      displayName: 'teleport-dba',
      governance: { owner: 'dba-lead', justification: 'Database on-call', reviewCadenceDays: 90, lastCertified: daysAgo(now, 10), riskTier: 'high', jitMaxMinutes: 120 },
    },
    {
      displayName: 'teleport-auditor',
      governance: { owner: 'audit-lead', justification: 'Quarterly audit', reviewCadenceDays: 90, lastCertified: daysAgo(now, 150), riskTier: 'medium', jitMaxMinutes: 60 },
    },
    {
      displayName: 'teleport-prod-admin',
      governance: { owner: 'secops-lead', justification: 'Emergency production access', reviewCadenceDays: 30, lastCertified: daysAgo(now, 5), riskTier: 'critical', jitMaxMinutes: 60, breakGlass: true },
    },
  ];
}

export const OKTA_MEMBERSHIPS: readonly (readonly [group: string, userName: string])[] = [
  ['teleport-dba', 'alice'],
  ['teleport-auditor', 'bob'],
  ['teleport-prod-admin', 'bg-admin'],
];

/** The IGA removal the scenario makes, which must end at CyberArk. */
export const REVOKED_MEMBERSHIP = { group: 'PAM-Finance-Users', userName: 'dave', safe: 'Finance', pamPrincipal: 'CORP\\dave' } as const;
