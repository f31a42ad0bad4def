import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigFile } from '../../../gateway/config/config-file.ts';
import { type ConfigStatus, type ConfigWatcher, watchConfig } from '../../../gateway/config/config-watcher.ts';
import { createLogger } from '../../../gateway/observability/logger.ts';
import { tempDir } from '../../support/temp-dir.ts';

const watchers: ConfigWatcher[] = [];
afterEach(() => {
  for (const w of watchers.splice(0)) w.close();
});

async function setup() {
  const file = path.join(tempDir(), 'lockstep.json');
  writeFileSync(file, JSON.stringify({ connectors: [{ id: 'okta', kind: 'iga', vendor: 'okta' }] }));
  const config = await ConfigFile.open({ path: file, display: 'lockstep.json' });
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
  const reloads: ConfigStatus[] = [];
  const watcher = watchConfig({ file: config, logger, debounceMs: 20, onReload: (s) => reloads.push(s) });
  watchers.push(watcher);
  return { file, config, watcher, lines, reloads };
}

describe('watchConfig', () => {
  it('applies a valid edit made on disk', async () => {
    const { file, config, reloads } = await setup();
    writeFileSync(file, JSON.stringify({ connectors: [{ id: 'okta', kind: 'iga', vendor: 'okta' }, { id: 'vault', kind: 'pam', vendor: 'hashicorp-vault' }] }));
    await vi.waitFor(() => expect(config.current().connectors).toHaveLength(2), { timeout: 10_000, interval: 50 });
    expect(reloads.at(-1)).toEqual({ valid: true });
  });

  it('keeps the last good configuration on a bad edit, reports it, and recovers when fixed', async () => {
    const { file, config, watcher, lines } = await setup();
    writeFileSync(file, '{ "connectors": [ { "id": "okta", } ] }');
    const status = await watcher.check();
    expect(status.valid).toBe(false);
    expect(!status.valid && status.error.message).toBe('lockstep.json:1:35: invalid JSON: trailing comma before }');
    expect(config.current().connectors.map((c) => c.id)).toEqual(['okta']);
    expect(lines.some((l) => l.msg === 'configuration file is invalid; keeping the last good configuration' && l.level === 'error')).toBe(true);

    writeFileSync(file, JSON.stringify({ connectors: [] }));
    expect(await watcher.check()).toEqual({ valid: true });
    expect(config.current().connectors).toEqual([]);
  });

  it('does not reload for its own writes through update()', async () => {
    const { config, watcher, reloads } = await setup();
    await config.update((doc) => {
      doc.settings = { tombstoneRetentionDays: 3 };
    });
    await watcher.check();
    expect(reloads).toEqual([]);
    expect(config.current().settings.tombstoneRetentionDays).toBe(3);
  });
});
