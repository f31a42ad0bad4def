/**
 * Which directories the gateway loads mappings and profiles from: the built-in vendor profiles always, then the
 * configured `settings.profilesDir` and `settings.mappingsDir` (relative to the working directory). A configured
 * directory that does not exist is left out and reported, so that a gateway started elsewhere than the checkout
 * still runs with the built-in profiles.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_DIRS } from '../../mappings/lib/loader-fs.ts';

export interface MappingSources {
  /** Directories to load, in order, without duplicates. */
  readonly dirs: readonly string[];
  /** Configured directories that do not exist (left out). */
  readonly missing: readonly string[];
}

const BUILTIN_PROFILES = BUILTIN_DIRS[0]!;

export function mappingSources(settings: { mappingsDir: string; profilesDir: string }, cwd: string): MappingSources {
  const dirs = [BUILTIN_PROFILES];
  const missing: string[] = [];
  for (const configured of [settings.profilesDir, settings.mappingsDir]) {
    const dir = path.resolve(cwd, configured);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) missing.push(dir);
    else if (!dirs.includes(dir)) dirs.push(dir);
  }
  return { dirs, missing };
}
