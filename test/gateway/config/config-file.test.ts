import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../gateway/config/config-error.ts';
import { ConfigFile } from '../../../gateway/config/config-file.ts';
import { tempDir } from '../../support/temp-dir.ts';

const iga = { id: 'sailpoint', kind: 'iga', vendor: 'sailpoint' } as const;

describe('ConfigFile', () => {
  it('creates a missing file with every default written out', async () => {
    const file = path.join(tempDir(), 'nested', 'lockstep.json');
    const config = await ConfigFile.open({ path: file, create: true });
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written).toMatchObject({ version: 1, connectors: [], settings: { tombstoneRetentionDays: 30, bodyLimit: '1mb' }, console: { theme: 'system' } });
    expect(config.current().settings.shutdownGraceMs).toBe(10_000);
  });

  it('refuses a missing file unless asked to create it', async () => {
    const file = path.join(tempDir(), 'lockstep.json');
    await expect(ConfigFile.open({ path: file, display: 'cfg.json' })).rejects.toThrow(new ConfigError('cfg.json', [{ field: '', message: 'file not found' }]));
  });

  it('throws a ConfigError with the display path for an invalid file', async () => {
    const file = path.join(tempDir(), 'lockstep.json');
    writeFileSync(file, JSON.stringify({ connectors: [{ id: 'x', kind: 'pamm', vendor: 'cyberark' }] }));
    const error = await ConfigFile.open({ path: file, display: './data/lockstep.json' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('./data/lockstep.json: connectors[0].kind: expected "iga" | "pam", got "pamm"');
  });

  it('writes a valid update atomically, without baking defaults into the document', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'lockstep.json');
    writeFileSync(file, JSON.stringify({ connectors: [] }));
    const config = await ConfigFile.open({ path: file });
    const heard: number[] = [];
    config.onChange((c) => heard.push(c.connectors.length));
    await config.update((doc) => {
      doc.connectors = [...(doc.connectors ?? []), iga];
    });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ connectors: [iga] });
    expect(config.current().connectors[0]).toMatchObject({ id: 'sailpoint', profile: 'sailpoint', enabled: true });
    expect(heard).toEqual([1]);
    expect(readdirSync(dir)).toEqual(['lockstep.json']);
  });

  it('refuses an invalid update and leaves file and configuration as they were', async () => {
    const file = path.join(tempDir(), 'lockstep.json');
    writeFileSync(file, JSON.stringify({ connectors: [iga] }));
    const config = await ConfigFile.open({ path: file });
    const before = readFileSync(file, 'utf8');
    await expect(config.update((doc) => {
      doc.connectors = [...(doc.connectors ?? []), iga];
    })).rejects.toThrow('connectors[1].id: duplicate connector id "sailpoint"');
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(config.current().connectors).toHaveLength(1);
    await config.update((doc) => {
      doc.settings = { tombstoneRetentionDays: 7 };
    });
    expect(config.current().settings.tombstoneRetentionDays).toBe(7);
  });

  it('serialises concurrent updates so that none is lost', async () => {
    const file = path.join(tempDir(), 'lockstep.json');
    writeFileSync(file, '{}');
    const config = await ConfigFile.open({ path: file });
    await Promise.all(Array.from({ length: 10 }, (_, i) => config.update((doc) => {
      doc.connectors = [...(doc.connectors ?? []), { id: `iga-${i}`, kind: 'iga', vendor: 'generic' }];
    })));
    expect(JSON.parse(readFileSync(file, 'utf8')).connectors).toHaveLength(10);
  });

  it('reloads a changed file, and keeps the last good configuration when the change is invalid', async () => {
    const file = path.join(tempDir(), 'lockstep.json');
    writeFileSync(file, JSON.stringify({ connectors: [iga] }));
    const config = await ConfigFile.open({ path: file, env: {} });
    expect(await config.reload()).toMatchObject({ ok: true, value: { changed: false } });

    writeFileSync(file, JSON.stringify({ connectors: [iga, { id: 'ca', kind: 'pam', vendor: 'cyberark' }] }));
    expect(await config.reload()).toMatchObject({ ok: true, value: { changed: true } });
    expect(config.current().connectors.map((c) => c.id)).toEqual(['sailpoint', 'ca']);

    writeFileSync(file, JSON.stringify({ connectors: [{ id: 'ca', kind: 'pam', vendor: 'cyberark', inbound: { scheme: 'hmac', secret: 'env:MISSING' } }] }));
    const outcome = await config.reload();
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error.message).toContain('environment variable MISSING is not set');
    expect(config.current().connectors.map((c) => c.id)).toEqual(['sailpoint', 'ca']);
  });
});

describe('ConfigFile.update with hand edits', () => {
  it('builds on a hand edit made since the last read, and refuses to write over a broken one', async () => {
    const file = path.join(tempDir(), 'lockstep.json');
    writeFileSync(file, JSON.stringify({ connectors: [iga] }));
    const config = await ConfigFile.open({ path: file });
    writeFileSync(file, JSON.stringify({ connectors: [iga, { id: 'okta', kind: 'iga', vendor: 'okta' }] }));
    await config.update((doc) => {
      doc.settings = { tombstoneRetentionDays: 1 };
    });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ connectors: [iga, { id: 'okta', kind: 'iga', vendor: 'okta' }], settings: { tombstoneRetentionDays: 1 } });

    writeFileSync(file, '{"connectors": [');
    await expect(config.update((doc) => {
      doc.settings = { tombstoneRetentionDays: 2 };
    })).rejects.toThrow('invalid JSON');
    expect(readFileSync(file, 'utf8')).toBe('{"connectors": [');
  });
});
