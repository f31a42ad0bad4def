import type { Finding, FindingKind, Severity } from './finding.ts';
import { tagsForFinding, type TagSubject } from './framework-tags.ts';

/**
 * A finding as a rule wants it to exist now. The engine upserts it by (kind, key) and resolves existing
 * findings no rule wants any more (see finding-reconcile.ts).
 */
export type DesiredFinding = Pick<Finding, 'kind' | 'key' | 'severity' | 'subject' | 'summary' | 'evidence' | 'tags'>;

export function desiredFinding(
  kind: FindingKind,
  key: string,
  severity: Severity,
  subject: Record<string, string | undefined>,
  summary: string,
  evidence: Record<string, unknown>,
  tagSubject: TagSubject = {},
): DesiredFinding {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(subject)) if (v !== undefined) clean[k] = v;
  return { kind, key, severity, subject: clean, summary, evidence, tags: tagsForFinding(kind, tagSubject) };
}

/** `kind|key`: the identity of a finding across runs. */
export function findingIdentity(f: Pick<Finding, 'kind' | 'key'>): string {
  return `${f.kind}|${f.key}`;
}
