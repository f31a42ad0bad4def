/**
 * Builds the console renderer (Vite) when `console/renderer/dist` is missing or older than its sources, so
 * the browser tests always drive the current code. A lock directory keeps two test files from building at once.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RENDERER = path.join(ROOT, 'console/renderer');
const INDEX = path.join(RENDERER, 'dist/index.html');
const SOURCES = [path.join(RENDERER, 'src'), path.join(RENDERER, 'index.html'), path.join(RENDERER, 'vite.config.ts'), path.join(ROOT, 'console/shared')];
const LOCK = path.join(RENDERER, '.build-lock');

function newestMtime(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(p).reduce((m, name) => Math.max(m, newestMtime(path.join(p, name))), st.mtimeMs);
}

function isFresh(): boolean {
  try {
    return statSync(INDEX).mtimeMs >= Math.max(...SOURCES.map(newestMtime));
  } catch {
    return false;
  }
}

export async function ensureConsoleBuilt(): Promise<string> {
  for (let i = 0; !isFresh(); i++) {
    try {
      mkdirSync(LOCK);
    } catch {
      if (i > 600) throw new Error('timed out waiting for another console build');
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    try {
      if (!isFresh()) {
        const { build } = await import('vite');
        await build({ configFile: path.join(RENDERER, 'vite.config.ts'), logLevel: 'error' });
      }
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
  return path.dirname(INDEX);
}
