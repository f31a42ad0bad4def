/** A sandboxed preload can require nothing but `electron`: the bundle must be one CommonJS file that does just that. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../support/temp-dir.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('preload bundle', () => {
  it('is one CommonJS file whose only require is electron', async () => {
    const outfile = path.join(tempDir('lockstep-preload-'), 'preload.cjs');
    await build({ entryPoints: [path.join(ROOT, 'console/preload/preload.ts')], bundle: true, platform: 'node', format: 'cjs', external: ['electron'], outfile, logLevel: 'silent' });
    const text = readFileSync(outfile, 'utf8');
    expect([...new Set([...text.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]))]).toEqual(['electron']);
    expect(text).toContain('exposeInMainWorld("lockstep"');
    expect(text).not.toMatch(/\bimport\s/);
  });
});
