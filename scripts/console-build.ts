/**
 * `npm run console:build`: the renderer (Vite, into console/renderer/dist), the preload (one CommonJS file, as a
 * sandboxed preload must be) and the Electron entry (ESM, got bundled in) into console/dist. Needs no Electron
 * binary.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'console/dist');

export async function buildConsole(): Promise<void> {
  await viteBuild({ configFile: path.join(ROOT, 'console/renderer/vite.config.ts'), logLevel: 'warn' });
  const common: BuildOptions = { bundle: true, platform: 'node', target: 'node22', external: ['electron'], logLevel: 'warning', legalComments: 'none' };
  await esbuild({ ...common, entryPoints: [path.join(ROOT, 'console/preload/preload.ts')], format: 'cjs', outfile: path.join(OUT, 'preload.cjs') });
  await esbuild({
    ...common, entryPoints: [path.join(ROOT, 'console/main/electron-main.ts')], format: 'esm', outfile: path.join(OUT, 'main.mjs'),
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // `--if-missing` (used by `npm start`): build only on a fresh checkout, so that /console works at once.
  if (process.argv.includes('--if-missing') && existsSync(path.join(ROOT, 'console/renderer/dist/index.html'))) process.exit(0);
  await buildConsole();
  console.log(`console built: ${path.relative(ROOT, path.join(ROOT, 'console/renderer/dist'))}, ${path.relative(ROOT, OUT)}/{main.mjs,preload.cjs}`);
}
