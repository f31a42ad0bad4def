import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../gateway/domain/clock.ts';
import { createMappingRegistry } from '../../../gateway/mapping-registry/mapping-registry.ts';
import { watchMappings } from '../../../gateway/mapping-registry/mapping-watcher.ts';
import { BUILTIN_DIRS, loadMappingDirs } from '../../../mappings/lib/loader-fs.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempMappings(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lockstep-mappings-'));
  dirs.push(dir);
  cpSync(BUILTIN_DIRS[1]!, dir, { recursive: true });
  return dir;
}

const setup = (dir: string) => {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const reloaded: number[] = [];
  const registry = createMappingRegistry({ load: () => loadMappingDirs([BUILTIN_DIRS[0]!, dir]), clock, onReloaded: (_s, v) => reloaded.push(v) });
  return { registry, clock, reloaded };
};

describe('mapping registry', () => {
  it('tells subscribers of each set swapped in, after the swap, never of one that did not load; unsubscribing stops it', async () => {
    const dir = tempMappings();
    const { registry } = setup(dir);
    const heard: { version: number; current: boolean }[] = [];
    const unsubscribe = registry.onChange((s, version) => heard.push({ version, current: registry.current() === s }));
    registry.onChange(() => {
      throw new Error('a listener that throws does not stop the others');
    });
    expect((await registry.reload()).ok).toBe(true);
    writeFileSync(path.join(dir, 'broken.yaml'), 'apiVersion: lockstep.dev/v1\nkind: EntitlementMapping\nname: [');
    expect((await registry.reload()).ok).toBe(false);
    rmSync(path.join(dir, 'broken.yaml'));
    expect((await registry.reload()).ok).toBe(true);
    expect(heard).toEqual([{ version: 1, current: true }, { version: 2, current: true }]);
    unsubscribe();
    await registry.reload();
    expect(heard).toHaveLength(2);
  });

  it('swaps in a set that loads and keeps it when a later file is bad, recording the error with its position', async () => {
    const dir = tempMappings();
    const { registry, clock, reloaded } = setup(dir);
    expect(registry.current()).toBeUndefined();
    expect((await registry.reload()).ok).toBe(true);
    const first = registry.current();
    expect(first?.mappings.map((m) => m.name)).toContain('teleport-roles');

    writeFileSync(path.join(dir, 'teleport-roles.yaml'), 'apiVersion: lockstep.dev/v1\nkind: EntitlementMapping\nname: teleport-roles\nmatch: { connector: okta }\ntargets: []\naccess: { mode: jit }\ndrift: alert\nconflict: manual\n');
    clock.advance(60_000);
    const bad = await registry.reload();
    expect(bad.ok).toBe(false);
    expect(registry.current()).toBe(first);
    const status = registry.status();
    expect(status.version).toBe(1);
    expect(status.lastError?.at).toBe('2026-01-01T00:01:00.000Z');
    expect(status.lastError?.errors[0]).toMatchObject({ line: 5, column: 10, message: expect.stringContaining('targets') });
    expect(status.lastError?.errors[0]?.file).toMatch(/teleport-roles\.yaml$/);

    writeFileSync(path.join(dir, 'teleport-roles.yaml'), 'apiVersion: lockstep.dev/v1\nkind: EntitlementMapping\nname: teleport-roles\nmatch: { connector: okta }\ntargets: [{ connector: teleport, kind: role, ref: x }]\naccess: { mode: jit }\ndrift: alert\nconflict: manual\n');
    expect((await registry.reload()).ok).toBe(true);
    expect(registry.current()).not.toBe(first);
    expect(registry.status()).toMatchObject({ version: 2, lastError: undefined });
    expect(reloaded).toEqual([1, 2]);
  });

  it('serialises concurrent reloads', async () => {
    const { registry } = setup(tempMappings());
    const results = await Promise.all([registry.reload(), registry.reload(), registry.reload()]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(registry.status().version).toBe(3);
  });

  it('records a load that throws (e.g. a missing directory) as lastError', async () => {
    const registry = createMappingRegistry({ load: () => loadMappingDirs([path.join(os.tmpdir(), 'no-such-dir-lockstep')]), clock: new ManualClock(0) });
    expect((await registry.reload()).ok).toBe(false);
    expect(registry.status().lastError?.errors[0]?.message).toMatch(/could not read mappings/);
  });

  it('reloads when a YAML file changes under a watched directory', async () => {
    const dir = tempMappings();
    const { registry } = setup(dir);
    await registry.reload();
    const watcher = watchMappings({ dirs: [dir], registry, debounceMs: 20 });
    try {
      writeFileSync(path.join(dir, 'extra.yaml'), 'apiVersion: lockstep.dev/v1\nkind: EntitlementMapping\nname: extra\nmatch: { connector: okta }\ntargets: [{ connector: teleport, kind: role, ref: x }]\naccess: { mode: jit }\ndrift: alert\nconflict: manual\n');
      for (let i = 0; i < 100 && !registry.current()?.mappings.some((m) => m.name === 'extra'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(registry.current()?.mappings.some((m) => m.name === 'extra')).toBe(true);
    } finally {
      watcher.close();
    }
  });
});
