/** The built-in vendor profiles, loaded once per test file through the mapping library. */
import path from 'node:path';
import type { CompiledProfile } from '../../../mappings/lib/compile-profile.ts';
import { loadMappingDirs } from '../../../mappings/lib/loader-fs.ts';

let loaded: Promise<ReadonlyMap<string, CompiledProfile>> | undefined;

export async function builtinProfile(name: string): Promise<CompiledProfile> {
  loaded ??= loadMappingDirs([path.resolve(import.meta.dirname, '../../../mappings/profiles')]).then((r) => {
    if (!r.ok) throw new Error(`profiles do not load: ${r.error.map((e) => e.message).join('; ')}`);
    return r.value.profiles;
  });
  const p = (await loaded).get(name);
  if (!p) throw new Error(`no built-in profile ${name}`);
  return p;
}
