import { describe, expect, it } from 'vitest';
import { formatLoadError, loadMappingSet, type SourceFile } from '../../mappings/lib/index.ts';

const PROFILE = `apiVersion: lockstep.dev/v1
kind: VendorProfile
name: acme
title: Acme PAM
side: pam
inbound:
  format: json
  verify: { scheme: header-secret, header: x-secret }
  dedupe: { id: id }
  rules:
    - name: session
      when: type = "session.start"
      emit:
        - type: session.started
          occurredAt: time
          principal: user
`;

const MAPPING = `apiVersion: lockstep.dev/v1
kind: EntitlementMapping
name: acme-roles
match:
  connector: okta
  name: { regex: '^acme-(?<role>.+)$' }
targets:
  - connector: acme
    kind: role
    ref: '{{ $captures.role }}'
access: { mode: jit, maxDuration: 1h }
drift: alert
conflict: manual
`;

function errors(sources: SourceFile[]): string[] {
  const r = loadMappingSet(sources);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.error.map(formatLoadError);
}

describe('loadMappingSet', () => {
  it('loads a valid profile and mapping', () => {
    const r = loadMappingSet([{ file: 'p.yaml', text: PROFILE }, { file: 'm.yaml', text: MAPPING }]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([...r.value.profiles.keys()]).toEqual(['acme']);
    expect(r.value.mappings[0]?.access.maxMinutes).toBe(60);
  });

  it('reports bad YAML with file:line:column', () => {
    const text = 'apiVersion: lockstep.dev/v1\nkind: VendorProfile\nname: [unclosed\n';
    const [e] = errors([{ file: 'bad.yaml', text }]);
    expect(e).toMatch(/^bad\.yaml:\d+:\d+: invalid YAML: /);
  });

  it('reports a duplicate key at its position', () => {
    const [e] = errors([{ file: 'dup.yaml', text: MAPPING.replace('drift: alert', 'drift: alert\ndrift: revoke') }]);
    expect(e).toMatch(/^dup\.yaml:13:1: invalid YAML: Map keys must be unique/);
  });

  it('reports an unknown kind', () => {
    expect(errors([{ file: 'k.yaml', text: 'kind: Something\n' }])).toEqual(['k.yaml:1:7: kind: expected one of VendorProfile, EntitlementMapping, GoldenExamples']);
  });

  it('reports schema violations at the offending node, saying what was expected', () => {
    const text = MAPPING.replace('kind: role', 'kind: printer').replace('conflict: manual', 'conflict: manual\nconflicts: typo');
    const errs = errors([{ file: 'm.yaml', text }]);
    expect(errs).toContainEqual(expect.stringMatching(/^m\.yaml:9:11: targets\[0\]\.kind: Invalid option: expected one of "safe"\|"role"/));
    expect(errs).toContainEqual(expect.stringMatching(/^m\.yaml:14:\d+: conflicts: Unrecognized key: "conflicts"/));
  });

  it('reports a missing required field at its parent', () => {
    const errs = errors([{ file: 'm.yaml', text: MAPPING.replace('drift: alert\n', '') }]);
    expect(errs).toEqual(['m.yaml:1:1: drift: Invalid option: expected one of "alert"|"revoke"|"propose"']);
  });

  it('reports a bad duration with the expected form', () => {
    const errs = errors([{ file: 'm.yaml', text: MAPPING.replace('maxDuration: 1h', 'maxDuration: 90 minutes') }]);
    expect(errs).toEqual(['m.yaml:11:35: access.maxDuration: expected a duration like 30m, 4h or 1d']);
  });

  it('reports an expression syntax error at its position inside the expression (plain scalar)', () => {
    const errs = errors([{ file: 'p.yaml', text: PROFILE.replace('when: type = "session.start"', 'when: type = = "session.start"') }]);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toBe('p.yaml:12:20: invalid expression: The symbol "=" cannot be used as a unary operator (at character 8 of "type = = "session.start"")');
  });

  it('reports an expression error inside a quoted scalar, counting the quote', () => {
    const errs = errors([{ file: 'p.yaml', text: PROFILE.replace('principal: user', () => 'principal: "$substringAfter(user, "') }]);
    expect(errs).toEqual(['p.yaml:16:44: invalid expression: Expected ")" before end of expression (at character 22 of "$substringAfter(user, ")']);
    const errs2 = errors([{ file: 'p.yaml', text: PROFILE.replace('principal: user', "principal: 'user.(name'") }]);
    expect(errs2).toHaveLength(1);
    expect(errs2[0]).toMatch(/^p\.yaml:16:32: invalid expression: /);
  });

  it('reports an expression error inside a literal block on the right line', () => {
    const text = PROFILE.replace('principal: user', 'principal: |\n            $lowercase(\n              user ]');
    const errs = errors([{ file: 'p.yaml', text }]);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(/^p\.yaml:18:\d+: invalid expression: /);
  });

  it('reports a template placeholder error with its offset', () => {
    const errs = errors([{ file: 'm.yaml', text: MAPPING.replace("ref: '{{ $captures.role }}'", "ref: 'x-{{ $captures.role & }}'") }]);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(/^m\.yaml:10:\d+: invalid template: /);
    const col = Number(/^m\.yaml:10:(\d+)/.exec(errs[0]!)?.[1]);
    expect(col).toBeGreaterThan(10);
  });

  it('reports an invalid regex', () => {
    const errs = errors([{ file: 'm.yaml', text: MAPPING.replace("'^acme-(?<role>.+)$'", () => "'^acme-(?<role>.+$'") }]);
    expect(errs).toEqual([expect.stringMatching(/^m\.yaml:6:18: invalid regex: /)]);
  });

  it('reports duplicate names across files, and golden files naming unknown profiles', () => {
    const golden = 'apiVersion: lockstep.dev/v1\nkind: GoldenExamples\nprofile: nope\nexamples:\n  - name: x\n    action: grant\n    input: {}\n    expect: { request: {} }\n';
    expect(errors([{ file: 'a.yaml', text: PROFILE }, { file: 'b.yaml', text: PROFILE }])).toEqual(['b.yaml:3:7: duplicate profile name "acme" (also in a.yaml)']);
    expect(errors([{ file: 'a.yaml', text: PROFILE }, { file: 'g.yaml', text: golden }])).toEqual(['g.yaml:3:10: unknown profile "nope"']);
  });

  it('returns no set when any one file fails', () => {
    const r = loadMappingSet([{ file: 'p.yaml', text: PROFILE }, { file: 'm.yaml', text: MAPPING.replace('mode: jit', 'mode: sometimes') }]);
    expect(r.ok).toBe(false);
  });
});
