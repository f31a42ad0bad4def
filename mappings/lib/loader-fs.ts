/** Reads every `.yaml`/`.yml` file under the given directories (sorted) and loads them as one set. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMappingSet, type SourceFile } from './loader.ts';
import type { MappingSet } from './mapping-set.ts';
import type { Result } from './result.ts';
import type { LoadError } from './yaml-source.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The built-in profiles, example mappings and their golden examples. */
export const BUILTIN_DIRS: readonly string[] = [path.join(ROOT, 'profiles'), path.join(ROOT, 'examples')];

export async function readSources(dirs: readonly string[]): Promise<SourceFile[]> {
  const files: string[] = [];
  for (const dir of dirs.map((d) => path.resolve(d))) {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    for (const e of entries) {
      if (e.isFile() && /\.ya?ml$/.test(e.name)) files.push(path.join(e.parentPath, e.name));
    }
  }
  files.sort();
  return Promise.all([...new Set(files)].map(async (file) => ({ file: path.relative(process.cwd(), file) || file, text: await readFile(file, 'utf8') })));
}

export async function loadMappingDirs(dirs: readonly string[]): Promise<Result<MappingSet, LoadError[]>> {
  return loadMappingSet(await readSources(dirs));
}
