import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const lib = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../mappings/lib');

/** Every file reachable from the entry through relative imports, with the bare modules each imports. */
function graph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
    seen.set(file, specs.filter((s) => !s.startsWith('.')));
    for (const s of specs.filter((x) => x.startsWith('.'))) visit(path.resolve(path.dirname(file), s));
  };
  visit(entry);
  return seen;
}

describe('mappings/lib/index.ts', () => {
  it('imports nothing from Node (the console renderer bundles it for the browser)', () => {
    const g = graph(path.join(lib, 'index.ts'));
    expect(g.size).toBeGreaterThan(15);
    const nodeImports = [...g].flatMap(([file, mods]) => mods.filter((m) => m.startsWith('node:') || ['fs', 'path', 'url', 'crypto'].includes(m)).map((m) => `${path.basename(file)} → ${m}`));
    expect(nodeImports).toEqual([]);
  });
});
