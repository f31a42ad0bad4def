/**
 * The mapping files the console edits: one writable directory (`settings.mappingsDir`) plus read-only ones
 * (vendor profiles). Validation loads the whole set with one file's text replaced, so references across files
 * are checked too; saving validates first, writes atomically (temp file + rename) and reloads the registry.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadMappingSet, type LoadError, type MappingSet, type Result, type SourceFile } from '../../mappings/lib/index.ts';
import type { MappingRegistry } from '../mapping-registry/mapping-registry.ts';

export interface MappingWorkspaceDeps {
  /** Absolute directory whose YAML files the console may edit. */
  readonly editableDir: string;
  /** Absolute directories loaded with it but never written (vendor profiles). */
  readonly readOnlyDirs: readonly string[];
}

export interface MappingWorkspace {
  readonly editableDir: string;
  /** Editable files, relative to the editable directory. */
  listEditable(): Promise<string[]>;
  read(file: string): Promise<string | undefined>;
  validate(file: string, text: string): Promise<Result<MappingSet, LoadError[]>>;
  save(file: string, text: string, registry: Pick<MappingRegistry, 'reload'>): Promise<Result<MappingSet, LoadError[]>>;
  /** Loads every directory as it is on disk (the registry's loader). */
  load(): Promise<Result<MappingSet, LoadError[]>>;
}

async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  return entries.filter((e) => e.isFile() && /\.ya?ml$/.test(e.name)).map((e) => path.join(e.parentPath, e.name)).sort();
}

export function createMappingWorkspace(deps: MappingWorkspaceDeps): MappingWorkspace {
  const editableDir = path.resolve(deps.editableDir);
  const inside = (file: string): string => {
    const abs = path.resolve(editableDir, file);
    if (!abs.startsWith(editableDir + path.sep)) throw new Error(`${file} is outside the mappings directory`);
    return abs;
  };
  const readOnlyDirs = deps.readOnlyDirs.map((d) => path.resolve(d)).filter((d) => d !== editableDir);

  async function sources(replace?: { file: string; text: string }): Promise<SourceFile[]> {
    const out: SourceFile[] = [];
    for (const dir of readOnlyDirs) {
      for (const abs of await yamlFiles(dir)) out.push({ file: path.relative(process.cwd(), abs) || abs, text: await readFile(abs, 'utf8') });
    }
    let replaced = false;
    for (const abs of await yamlFiles(editableDir)) {
      const file = path.relative(editableDir, abs).split(path.sep).join('/');
      if (replace && file === replace.file) {
        out.push({ file, text: replace.text });
        replaced = true;
      } else {
        out.push({ file, text: await readFile(abs, 'utf8') });
      }
    }
    if (replace && !replaced) out.push({ file: replace.file, text: replace.text });
    return out;
  }

  return {
    editableDir,
    async listEditable() {
      return (await yamlFiles(editableDir)).map((abs) => path.relative(editableDir, abs).split(path.sep).join('/'));
    },
    async read(file) {
      return readFile(inside(file), 'utf8').catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return undefined;
        throw e;
      });
    },
    async validate(file, text) {
      return loadMappingSet(await sources({ file, text }));
    },
    async save(file, text, registry) {
      const checked = loadMappingSet(await sources({ file, text }));
      if (!checked.ok) return checked;
      const abs = inside(file);
      await mkdir(path.dirname(abs), { recursive: true });
      const temp = `${abs}.${process.pid}.tmp`;
      await writeFile(temp, text, 'utf8');
      await rename(temp, abs);
      return registry.reload();
    },
    async load() {
      return loadMappingSet(await sources());
    },
  };
}
