import { describe, expect, it } from 'vitest';
import { FINDING_KINDS } from '../../../gateway/domain/finding.ts';
import { describeTag, FRAMEWORK_TAGS, frameworkTag, tagsForEntitlement, tagsForFinding } from '../../../gateway/domain/framework-tags.ts';

describe('framework tag catalogue', () => {
  it('holds OWASP NHI1–NHI10, CSF 2.0 PR.AA-01…05 with CSF 1.1 PR.AC-4, and the AI RMF controls', () => {
    const ids = FRAMEWORK_TAGS.map((t) => t.id);
    for (let n = 1; n <= 10; n++) expect(ids).toContain(`OWASP-NHI:NHI${n}`);
    for (let n = 1; n <= 5; n++) expect(ids).toContain(`NIST-CSF-2.0:PR.AA-0${n}`);
    expect(ids).toContain('NIST-CSF-1.1:PR.AC-4');
    for (const c of ['GOVERN-1.6', 'GOVERN-1.7', 'GOVERN-2.1', 'MANAGE-2.4', 'MANAGE-4.1']) expect(ids).toContain(`NIST-AI-RMF:${c}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(frameworkTag('OWASP-NHI:NHI7')?.title).toBe('Long-Lived Secrets');
    expect(frameworkTag('OWASP-NHI:NHI10')?.title).toBe('Human Use of NHI');
  });

  it('shows PR.AA-05 together with its CSF 1.1 predecessor', () => {
    expect(describeTag('NIST-CSF-2.0:PR.AA-05')).toContain('PR.AC-4');
    expect(describeTag('unknown:tag')).toBe('unknown:tag');
  });
});

describe('tagsForFinding', () => {
  it.each(FINDING_KINDS)('%s: every tag is in the catalogue, sorted, and PR.AA-05 brings PR.AC-4', (kind) => {
    for (const subject of [{}, { identityKind: 'service-account' as const }, { identityKind: 'ai-agent' as const }]) {
      const tags = tagsForFinding(kind, subject);
      expect(tags.length).toBeGreaterThan(0);
      for (const t of tags) expect(frameworkTag(t), t).toBeDefined();
      expect([...tags].sort()).toEqual(tags);
      expect(tags.includes('NIST-CSF-2.0:PR.AA-05')).toBe(tags.includes('NIST-CSF-1.1:PR.AC-4'));
    }
  });

  it('adds OWASP NHI tags only for non-human subjects, except on NHI kinds', () => {
    expect(tagsForFinding('revocation-pending', { identityKind: 'human' }).some((t) => t.startsWith('OWASP'))).toBe(false);
    expect(tagsForFinding('revocation-pending', { identityKind: 'service-account' })).toContain('OWASP-NHI:NHI1');
    expect(tagsForFinding('entitlement-without-owner', { nonHuman: true })).toContain('OWASP-NHI:NHI5');
    expect(tagsForFinding('nhi-static-secret-stale')).toContain('OWASP-NHI:NHI7');
    expect(tagsForFinding('nhi-interactive-session')).toContain('OWASP-NHI:NHI10');
  });

  it('adds AI RMF tags for AI agents only', () => {
    expect(tagsForFinding('nhi-without-owner', { identityKind: 'workload' }).some((t) => t.startsWith('NIST-AI-RMF'))).toBe(false);
    expect(tagsForFinding('nhi-without-owner', { identityKind: 'ai-agent' })).toEqual(expect.arrayContaining(['NIST-AI-RMF:GOVERN-1.6', 'NIST-AI-RMF:GOVERN-2.1', 'OWASP-NHI:NHI1']));
    expect(tagsForFinding('revocation-pending', { identityKind: 'ai-agent' })).toEqual(expect.arrayContaining(['NIST-AI-RMF:MANAGE-2.4', 'NIST-AI-RMF:GOVERN-1.7']));
  });

  it('tags entitlements for evidence packs', () => {
    expect(tagsForEntitlement({ nonHuman: false, heldByAiAgent: false, breakGlass: false })).toEqual(['NIST-CSF-1.1:PR.AC-4', 'NIST-CSF-2.0:PR.AA-01', 'NIST-CSF-2.0:PR.AA-05']);
    expect(tagsForEntitlement({ nonHuman: false, heldByAiAgent: true, breakGlass: true })).toEqual(expect.arrayContaining(['OWASP-NHI:NHI5', 'NIST-AI-RMF:GOVERN-1.6', 'NIST-CSF-2.0:PR.AA-03']));
  });
});
