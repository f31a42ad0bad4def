/** The gateway loads the built-in profiles and the configured mappings at start, and refuses a broken set. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { StartupError } from '../../gateway/main.ts';
import { type TestGateway, startTestGateway } from '../support/gateway.ts';
import { tempDir } from '../support/temp-dir.ts';

const EXAMPLES = fileURLToPath(new URL('../../mappings/examples', import.meta.url));
let gw: TestGateway | undefined;
afterEach(async () => { await gw?.stop(); gw = undefined; });

describe('mappings at start', () => {
  it('loads the built-in profiles and the configured mappings directory', async () => {
    gw = await startTestGateway({ config: { settings: { mappingsDir: EXAMPLES } } });
    const status = gw.gateway.mappings.status();
    expect(status.profiles).toContain('cyberark');
    expect(status.mappings.length).toBeGreaterThan(0);
  });

  it('runs with the built-in profiles alone when the configured directory is missing', async () => {
    gw = await startTestGateway({ config: { settings: { mappingsDir: './no-such-dir' } } });
    expect(gw.gateway.mappings.status().profiles).toContain('teleport');
    expect(gw.gateway.mappings.status().mappings).toEqual([]);
  });

  it('refuses to start with one line naming file:line:column when a mapping does not load', async () => {
    const dir = tempDir('lockstep-maps-');
    mkdirSync(path.join(dir, 'maps'));
    writeFileSync(path.join(dir, 'maps', 'broken.yaml'), 'kind: EntitlementMapping\nname: [unclosed\n');
    const error = await startTestGateway({ dataDir: dir, config: { settings: { mappingsDir: path.join(dir, 'maps') } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(/^mappings do not load: .*broken\.yaml:\d+:\d+: /);
    expect((error as Error).message).not.toContain('\n');
  });
});
