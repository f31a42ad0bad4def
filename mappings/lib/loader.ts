/**
 * Loads YAML sources into a compiled {@link MappingSet}, or returns every error with file:line:column. Pure
 * (takes file contents); `loader-fs.ts` reads directories.
 */
import type { z } from 'zod';
import { createCompileContext } from './compile-context.ts';
import { compileMapping, type CompiledMapping } from './compile-mapping.ts';
import { compileProfile, type CompiledProfile } from './compile-profile.ts';
import { goldenSchema } from './golden-schema.ts';
import { mappingSchema } from './mapping-schema.ts';
import type { GoldenFile, MappingSet } from './mapping-set.ts';
import { profileSchema } from './profile-schema.ts';
import { err, ok, type Result } from './result.ts';
import { errorAt, parseYaml, type LoadError, type YamlSource } from './yaml-source.ts';

export interface SourceFile {
  readonly file: string;
  readonly text: string;
}

const KINDS = ['VendorProfile', 'EntitlementMapping', 'GoldenExamples'] as const;

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}

export function validateWith<T>(src: YamlSource, schema: z.ZodType<T>): Result<T, LoadError[]> {
  const r = schema.safeParse(src.value);
  if (r.success) return ok(r.data);
  return err(r.error.issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const at = keys.length > 0 ? [...path, keys[0]!] : path;
    const label = pathText(at);
    return errorAt(src, at, `${label ? `${label}: ` : ''}${issue.message}`);
  }));
}

type Loaded =
  | { kind: 'profile'; value: CompiledProfile; src: YamlSource }
  | { kind: 'mapping'; value: CompiledMapping; src: YamlSource }
  | { kind: 'golden'; value: GoldenFile; src: YamlSource };

function loadOne(source: SourceFile): Result<Loaded, LoadError[]> {
  const parsed = parseYaml(source.file, source.text);
  if (!parsed.ok) return parsed;
  const src = parsed.value;
  const kind = (src.value as { kind?: unknown } | null)?.kind;
  if (typeof src.value !== 'object' || src.value === null || !KINDS.includes(kind as (typeof KINDS)[number])) {
    return err([errorAt(src, typeof src.value === 'object' && src.value !== null ? ['kind'] : [], `kind: expected one of ${KINDS.join(', ')}`)]);
  }
  const ctx = createCompileContext(src);
  if (kind === 'VendorProfile') {
    const doc = validateWith(src, profileSchema);
    if (!doc.ok) return doc;
    const value = compileProfile(ctx, doc.value);
    return ctx.errors.length ? err(ctx.errors) : ok({ kind: 'profile', value, src });
  }
  if (kind === 'EntitlementMapping') {
    const doc = validateWith(src, mappingSchema);
    if (!doc.ok) return doc;
    const value = compileMapping(ctx, doc.value);
    return ctx.errors.length ? err(ctx.errors) : ok({ kind: 'mapping', value, src });
  }
  const doc = validateWith(src, goldenSchema);
  if (!doc.ok) return doc;
  const lines = doc.value.examples.map((_, i) => ctx.where(['examples', i]));
  return ok({ kind: 'golden', value: { file: src.file, doc: doc.value, lines }, src });
}

const sortErrors = (errors: LoadError[]) => errors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);

/** Compiles every source; the set is returned only if all of them load and agree with each other. */
export function loadMappingSet(sources: readonly SourceFile[]): Result<MappingSet, LoadError[]> {
  const errors: LoadError[] = [];
  const profiles = new Map<string, CompiledProfile>();
  const mappings: CompiledMapping[] = [];
  const goldens: { value: GoldenFile; src: YamlSource }[] = [];
  const mappingNames = new Set<string>();
  for (const source of sources) {
    const r = loadOne(source);
    if (!r.ok) {
      errors.push(...r.error);
      continue;
    }
    const l = r.value;
    if (l.kind === 'profile') {
      if (profiles.has(l.value.name)) errors.push(errorAt(l.src, ['name'], `duplicate profile name "${l.value.name}" (also in ${profiles.get(l.value.name)!.file})`));
      profiles.set(l.value.name, l.value);
    } else if (l.kind === 'mapping') {
      if (mappingNames.has(l.value.name)) errors.push(errorAt(l.src, ['name'], `duplicate mapping name "${l.value.name}"`));
      mappingNames.add(l.value.name);
      mappings.push(l.value);
    } else {
      goldens.push(l);
    }
  }
  if (errors.length > 0) return err(sortErrors(errors));
  for (const { value: g, src } of goldens) {
    if (!g.doc.profile && !g.doc.mapping) errors.push(errorAt(src, [], 'golden examples need a profile or a mapping to exercise'));
    if (g.doc.profile && !profiles.has(g.doc.profile)) errors.push(errorAt(src, ['profile'], `unknown profile "${g.doc.profile}"`));
    if (g.doc.mapping && !mappingNames.has(g.doc.mapping)) errors.push(errorAt(src, ['mapping'], `unknown mapping "${g.doc.mapping}"`));
    for (const [id, c] of Object.entries(g.doc.connectors ?? {})) {
      if (!profiles.has(c.profile)) errors.push(errorAt(src, ['connectors', id, 'profile'], `unknown profile "${c.profile}"`));
    }
  }
  if (errors.length > 0) return err(sortErrors(errors));
  return ok({ profiles, mappings, goldens: goldens.map((g) => g.value), files: sources.map((s) => s.file) });
}
