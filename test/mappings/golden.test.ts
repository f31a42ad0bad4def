import { describe, expect, it } from 'vitest';
import { BUILTIN_DIRS, loadMappingDirs } from '../../mappings/lib/loader-fs.ts';
import { inboundOf, runExample } from '../../mappings/lib/golden-run.ts';
import { isNormaliseExample } from '../../mappings/lib/golden-schema.ts';
import { normalise } from '../../mappings/lib/normalise.ts';
import { formatLoadError } from '../../mappings/lib/yaml-source.ts';

const loaded = await loadMappingDirs(BUILTIN_DIRS);
if (!loaded.ok) throw new Error(`built-in mappings do not load:\n${loaded.error.map(formatLoadError).join('\n')}`);
const set = loaded.value;

describe('built-in profiles and example mappings', () => {
  it('every profile and every example mapping has a golden file', () => {
    const covered = new Set(set.goldens.flatMap((g) => [g.doc.profile, g.doc.mapping]));
    expect([...set.profiles.keys()].filter((p) => !covered.has(p))).toEqual([]);
    expect(set.mappings.map((m) => m.name).filter((m) => !covered.has(m))).toEqual([]);
  });

  it('every rule and every outbound action of every profile is exercised by a golden example', async () => {
    const missing: string[] = [];
    for (const profile of set.profiles.values()) {
      const goldens = set.goldens.filter((g) => g.doc.profile === profile.name).flatMap((g) => g.doc.examples);
      const matched = new Set<string>();
      for (const ex of goldens.filter(isNormaliseExample)) for (const r of (await normalise(profile, inboundOf(ex, profile.name))).rules) matched.add(r);
      for (const rule of profile.inbound?.rules ?? []) if (!matched.has(rule.name)) missing.push(`${profile.name} rule ${rule.name}`);
      const actions = new Set(goldens.flatMap((e) => ('action' in e ? [e.action] : [])));
      for (const action of Object.keys(profile.outbound?.actions ?? {})) if (!actions.has(action as never)) missing.push(`${profile.name} action ${action}`);
    }
    expect(missing).toEqual([]);
  });

  it('every profile golden file has malformed or unknown input examples', () => {
    for (const g of set.goldens.filter((x) => x.doc.profile && set.profiles.get(x.doc.profile!)?.inbound)) {
      const statuses = g.doc.examples.flatMap((e) => ('expect' in e && 'status' in e.expect ? [e.expect.status] : []));
      expect(statuses, g.file).toContain('unrecognised');
    }
  });
});

for (const g of set.goldens) {
  describe(g.file, () => {
    g.doc.examples.forEach((ex, i) => {
      it(`${ex.name} (${g.lines[i]})`, async () => {
        const { actual, expected } = await runExample(set, g, ex);
        expect(actual).toEqual(expected);
      });
    });
  });
}
