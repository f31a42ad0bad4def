import type { FindingKind } from './finding.ts';
import type { IdentityKind } from './identity.ts';
import { isNonHuman } from './identity.ts';

/**
 * The framework controls findings and evidence packs are tagged with. Tag ids follow the convention of
 * {@link Finding.tags}: `<framework>:<control>`. CSF 2.0 PR.AA-05 always travels with its CSF 1.1 predecessor
 * PR.AC-4, because many policies still cite 1.1 and either reader must find it.
 */
export interface FrameworkTag {
  readonly id: string;
  readonly framework: string;
  readonly control: string;
  readonly title: string;
}

const NHI = 'OWASP Non-Human Identities Top 10 (2025)';
const CSF2 = 'NIST CSF 2.0';
const CSF11 = 'NIST CSF 1.1';
const AIRMF = 'NIST AI RMF 1.0';

function tag(prefix: string, framework: string, control: string, title: string): FrameworkTag {
  return { id: `${prefix}:${control}`, framework, control, title };
}

export const FRAMEWORK_TAGS: readonly FrameworkTag[] = [
  tag('OWASP-NHI', NHI, 'NHI1', 'Improper Offboarding'),
  tag('OWASP-NHI', NHI, 'NHI2', 'Secret Leakage'),
  tag('OWASP-NHI', NHI, 'NHI3', 'Vulnerable Third-Party NHI'),
  tag('OWASP-NHI', NHI, 'NHI4', 'Insecure Authentication'),
  tag('OWASP-NHI', NHI, 'NHI5', 'Overprivileged NHI'),
  tag('OWASP-NHI', NHI, 'NHI6', 'Insecure Cloud Deployment Configurations'),
  tag('OWASP-NHI', NHI, 'NHI7', 'Long-Lived Secrets'),
  tag('OWASP-NHI', NHI, 'NHI8', 'Environment Isolation'),
  tag('OWASP-NHI', NHI, 'NHI9', 'NHI Reuse'),
  tag('OWASP-NHI', NHI, 'NHI10', 'Human Use of NHI'),
  tag('NIST-CSF-2.0', CSF2, 'PR.AA-01', 'Identities and credentials for authorized users, services and hardware are managed'),
  tag('NIST-CSF-2.0', CSF2, 'PR.AA-02', 'Identities are proofed and bound to credentials based on the context of interactions'),
  tag('NIST-CSF-2.0', CSF2, 'PR.AA-03', 'Users, services and hardware are authenticated'),
  tag('NIST-CSF-2.0', CSF2, 'PR.AA-04', 'Identity assertions are protected, conveyed and verified'),
  tag('NIST-CSF-2.0', CSF2, 'PR.AA-05', 'Access permissions, entitlements and authorizations are defined in a policy, managed, enforced and reviewed, incorporating least privilege and separation of duties'),
  tag('NIST-CSF-1.1', CSF11, 'PR.AC-4', 'Access permissions and authorizations are managed, incorporating least privilege and separation of duties'),
  tag('NIST-AI-RMF', AIRMF, 'GOVERN-1.6', 'Mechanisms are in place to inventory AI systems'),
  tag('NIST-AI-RMF', AIRMF, 'GOVERN-1.7', 'Processes for decommissioning and phasing out AI systems safely'),
  tag('NIST-AI-RMF', AIRMF, 'GOVERN-2.1', 'Roles, responsibilities and lines of communication are documented and clear'),
  tag('NIST-AI-RMF', AIRMF, 'MANAGE-2.4', 'Mechanisms to supersede, disengage or deactivate AI systems'),
  tag('NIST-AI-RMF', AIRMF, 'MANAGE-4.1', 'Post-deployment monitoring plans are implemented'),
];

const BY_ID = new Map(FRAMEWORK_TAGS.map((t) => [t.id, t]));

export function frameworkTag(id: string): FrameworkTag | undefined {
  return BY_ID.get(id);
}

/** `NIST-CSF-2.0:PR.AA-05 (CSF 1.1: PR.AC-4) — title`, for reports. */
export function describeTag(id: string): string {
  const t = BY_ID.get(id);
  if (!t) return id;
  const paired = t.id === PR_AA_05 ? ` (CSF 1.1: PR.AC-4)` : '';
  return `${t.framework} ${t.control}${paired}: ${t.title}`;
}

const PR_AA_01 = 'NIST-CSF-2.0:PR.AA-01';
const PR_AA_03 = 'NIST-CSF-2.0:PR.AA-03';
const PR_AA_05 = 'NIST-CSF-2.0:PR.AA-05';
const PR_AC_4 = 'NIST-CSF-1.1:PR.AC-4';
const nhi = (n: number): string => `OWASP-NHI:NHI${n}`;
const ai = (c: string): string => `NIST-AI-RMF:${c}`;

interface KindTags {
  /** Always applied. */
  readonly base: readonly string[];
  /** Applied when the subject is a non-human identity. */
  readonly nhi: readonly string[];
  /** Applied when the subject is an AI agent (on top of `nhi`). */
  readonly ai: readonly string[];
}

const BY_KIND: Readonly<Record<FindingKind, KindTags>> = {
  'pam-grant-without-entitlement': { base: [PR_AA_05, PR_AA_01], nhi: [nhi(5)], ai: [ai('GOVERN-1.6'), ai('MANAGE-4.1')] },
  'revocation-pending': { base: [PR_AA_05, PR_AA_01], nhi: [nhi(1)], ai: [ai('GOVERN-1.7'), ai('MANAGE-2.4')] },
  'entitlement-without-owner': { base: [PR_AA_05], nhi: [nhi(5)], ai: [ai('GOVERN-2.1')] },
  'review-overdue': { base: [PR_AA_05], nhi: [nhi(5)], ai: [ai('MANAGE-4.1')] },
  'elevation-overstay': { base: [PR_AA_05], nhi: [nhi(5)], ai: [ai('MANAGE-2.4'), ai('MANAGE-4.1')] },
  'break-glass-unreviewed': { base: [PR_AA_05, PR_AA_03], nhi: [nhi(10)], ai: [ai('MANAGE-4.1')] },
  'nhi-without-owner': { base: [PR_AA_01], nhi: [nhi(1), nhi(9)], ai: [ai('GOVERN-1.6'), ai('GOVERN-2.1')] },
  'nhi-static-secret-stale': { base: [PR_AA_01], nhi: [nhi(7), nhi(2)], ai: [ai('MANAGE-4.1')] },
  'nhi-interactive-session': { base: [PR_AA_03], nhi: [nhi(10), nhi(9)], ai: [ai('MANAGE-4.1')] },
  'mapping-unresolved': { base: [PR_AA_05], nhi: [], ai: [] },
};

/** What the finding is about, as far as tagging is concerned. */
export interface TagSubject {
  readonly identityKind?: IdentityKind | undefined;
  /** Set for subjects that are non-human without a known identity kind (an NHI entitlement). */
  readonly nonHuman?: boolean | undefined;
}

/**
 * The framework tags a finding of `kind` bears, sorted and unique. Kinds about NHIs always get their OWASP NHI
 * tags; other kinds get them when the subject is non-human; AI agents also get AI RMF tags. PR.AA-05 always
 * brings PR.AC-4 with it.
 */
export function tagsForFinding(kind: FindingKind, subject: TagSubject = {}): readonly string[] {
  const rule = BY_KIND[kind];
  const isAi = subject.identityKind === 'ai-agent';
  const nonHuman = isAi || subject.nonHuman === true || (subject.identityKind !== undefined && isNonHuman(subject.identityKind));
  const tags = new Set(rule.base);
  if (nonHuman || kind.startsWith('nhi-')) for (const t of rule.nhi) tags.add(t);
  if (isAi) for (const t of rule.ai) tags.add(t);
  return withPredecessors(tags);
}

/** Tags an entitlement carries in an evidence pack: access reviewed under policy, plus NHI/AI where relevant. */
export function tagsForEntitlement(opts: { nonHuman: boolean; heldByAiAgent: boolean; breakGlass: boolean }): readonly string[] {
  const tags = new Set([PR_AA_05, PR_AA_01]);
  if (opts.nonHuman || opts.heldByAiAgent) tags.add(nhi(5));
  if (opts.breakGlass) tags.add(PR_AA_03);
  if (opts.heldByAiAgent) for (const t of [ai('GOVERN-1.6'), ai('GOVERN-2.1'), ai('MANAGE-4.1')]) tags.add(t);
  return withPredecessors(tags);
}

function withPredecessors(tags: Set<string>): readonly string[] {
  if (tags.has(PR_AA_05)) tags.add(PR_AC_4);
  return [...tags].sort();
}
