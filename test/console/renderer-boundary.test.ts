/**
 * The renderer knows only the console API contract: nothing in console/renderer imports Node, Electron, or
 * runtime code of the gateway or the mapping library (type-only imports of the shared contract are fine).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = path.join(ROOT, 'console/renderer/src');
const SHARED = path.join(ROOT, 'console/shared');
const ALLOWED_PACKAGES = new Set(['react', 'react-dom/client', 'uplot', 'uplot/dist/uPlot.min.css']);
/** Shared modules the renderer may load at run time (the rest it may import only as types). */
const ALLOWED_SHARED = new Set(['api-types.ts', 'console-api.ts', 'http-console-api.ts', 'routes.ts', 'sse-parser.ts']);

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /\.tsx?$/.test(e.name)).map((e) => path.join(e.parentPath, e.name));
}

function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^import\s+(?!type\s)[^'"]*?['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

describe('renderer boundary', () => {
  it('imports only React, uPlot, its own modules and the runtime parts of the shared contract', () => {
    const offending: string[] = [];
    const check = (file: string) => {
      for (const spec of runtimeImports(file)) {
        if (!spec.startsWith('.')) {
          if (!ALLOWED_PACKAGES.has(spec)) offending.push(`${path.relative(ROOT, file)} → ${spec}`);
          continue;
        }
        const target = path.resolve(path.dirname(file), spec);
        if (target.startsWith(SRC + path.sep)) continue;
        if (path.dirname(target) === SHARED && ALLOWED_SHARED.has(path.basename(target))) continue;
        offending.push(`${path.relative(ROOT, file)} → ${spec}`);
      }
    };
    for (const f of files(SRC)) check(f);
    for (const f of [...ALLOWED_SHARED].map((n) => path.join(SHARED, n))) check(f);
    expect(offending).toEqual([]);
  });
});
