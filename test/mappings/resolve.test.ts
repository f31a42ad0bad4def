import { describe, expect, it } from 'vitest';
import { correlatePrincipal, findMappingsForTarget, resolveTargets, trace, formatTrace } from '../../mappings/lib/index.ts';
import { BUILTIN_DIRS, loadMappingDirs } from '../../mappings/lib/loader-fs.ts';

const loaded = await loadMappingDirs(BUILTIN_DIRS);
if (!loaded.ok) throw new Error('built-in mappings do not load');
const set = loaded.value;
const mapping = (name: string) => set.mappings.find((m) => m.name === name)!;

describe('correlatePrincipal', () => {
  const candidates = [{ userName: 'bob' }, { userName: 'alice' }, { userName: 'Carol' }, { userName: 'carol' }];
  it('finds exactly one identity, stripping the domain', async () => {
    const c = await correlatePrincipal(mapping('cyberark-safes'), 'CORP\\Bob', candidates);
    expect(c.outcome).toBe('one');
    if (c.outcome === 'one') expect(c.identity.userName).toBe('bob');
  });
  it('reports none when nobody matches', async () => {
    expect((await correlatePrincipal(mapping('cyberark-safes'), 'CORP\\dave', candidates)).outcome).toBe('none');
  });
  it('reports every match when several identities share the key', async () => {
    const c = await correlatePrincipal(mapping('cyberark-safes'), 'carol@corp.example', candidates);
    expect(c).toMatchObject({ outcome: 'ambiguous', key: 'carol' });
    if (c.outcome === 'ambiguous') expect(c.identities.map((i) => i.userName)).toEqual(['Carol', 'carol']);
  });
});

describe('findMappingsForTarget', () => {
  it('recovers captures from a templated reference', () => {
    const found = findMappingsForTarget(set, { connectorId: 'cyberark-prod', kind: 'safe', ref: 'PRD_Oracle' });
    expect(found.map((f) => [f.mapping.name, f.targetIndex, f.captures])).toEqual([['cyberark-safes', 0, { safe: 'PRD_Oracle' }], ['cyberark-safes', 1, { safe: 'PRD_Oracle' }]]);
  });
  it('matches any reference where the template is not a capture, and nothing on another kind', () => {
    expect(findMappingsForTarget(set, { connectorId: 'entra', kind: 'role', ref: '62e90394' }).map((f) => f.mapping.name)).toEqual(['entra-jit-roles']);
    expect(findMappingsForTarget(set, { connectorId: 'entra', kind: 'group', ref: '62e90394' })).toEqual([]);
  });
});

describe('resolveTargets', () => {
  it('passes assignment details into the request (CyberArk membership expiry)', async () => {
    const r = await resolveTargets(set, { connectorId: 'sailpoint', displayName: 'PAM-FIN-Users' }, { userName: 'bob' }, { connectors: { 'cyberark-prod': { profile: 'cyberark' } }, assignment: { expiresAt: '2026-12-01T00:00:00Z' } });
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]?.request.body).toMatchObject({ memberName: 'CORP\\bob', membershipExpirationDate: 1796083200 });
  });
  it('reports a target connector with no profile bound as unresolved', async () => {
    const r = await resolveTargets(set, { connectorId: 'sailpoint', displayName: 'PAM-FIN-Users' }, { userName: 'bob' }, { connectors: {} });
    expect(r.requests).toEqual([]);
    expect(r.unresolved).toEqual(['connector cyberark-prod has no profile bound']);
  });
});

describe('trace', () => {
  it('shows each rule tried in order, the values extracted, the event, the mapping, constraints and correlation', async () => {
    const t = await trace(set, {
      kind: 'event', profile: 'teleport', connectorId: 'teleport',
      json: { RequestID: 'r1', User: 'bob@corp.example', Roles: ['dba'], State: 'Approved', CreatedAt: '2024-06-01T09:00:00Z' },
      candidates: [{ userName: 'bob', resource: { emails: [{ value: 'BOB@corp.example' }] } }],
    }, Date.parse('2024-06-01T10:00:00Z'));
    expect(t.steps.map((s) => `${s.step}:${s.outcome}`)).toEqual([
      'parse:ok', 'dedupe:ok', 'rule:not-matched', 'rule:matched', 'extract:ok', 'event:ok', 'mapping:matched', 'constraints:info', 'correlation:matched',
    ]);
    expect(t.steps[2]?.detail).toContain('plugin-request-pending');
    expect(t.steps[3]?.where).toMatch(/teleport\.yaml:\d+$/);
    expect(t.events[0]).toMatchObject({ type: 'elevation.approved', principal: 'bob@corp.example', target: { kind: 'role', ref: 'dba' } });
    expect(t.steps[7]?.detail).toContain('at most 120 min');
    expect(formatTrace(t)).toContain('principal bob@corp.example → identity bob');
  });

  it('explains why no mapping matched an entitlement, and plans nothing', async () => {
    const t = await trace(set, { kind: 'entitlement', entitlement: { connectorId: 'sailpoint', displayName: 'Finance Readers' }, identity: { userName: 'bob' } }, 0);
    expect(t.requests).toEqual([]);
    expect(t.steps.filter((s) => s.step === 'mapping').every((s) => s.outcome === 'not-matched')).toBe(true);
    expect(t.steps.at(-1)?.detail).toContain('mapping-unresolved');
  });

  it('flags an overdue review and a missing owner against the mapping constraints', async () => {
    const t = await trace(set, { kind: 'entitlement', now: '2024-06-01T00:00:00Z', entitlement: { connectorId: 'sailpoint', displayName: 'PAM-FIN-Users', governance: { lastCertifiedAt: '2024-01-01T00:00:00Z' } }, identity: { userName: 'bob' }, connectors: { 'cyberark-prod': { profile: 'cyberark' } } }, 0);
    const constraints = t.steps.find((s) => s.step === 'constraints')!;
    expect(constraints.detail).toContain('owner required: MISSING');
    expect(constraints.detail).toContain('OVERDUE');
    expect(t.requests.map((r) => r.action)).toEqual(['grant']);
  });

  it('reports an unrecognised delivery as a failed step, not a throw', async () => {
    const t = await trace(set, { kind: 'event', profile: 'cyberark', body: 'garbage' }, 0);
    expect(t.steps).toEqual([expect.objectContaining({ step: 'parse', outcome: 'failed' })]);
    expect(t.events).toEqual([]);
  });
});
