/**
 * `lockstep check [dir]` loads mappings and profiles (with file:line:column errors) and runs their golden
 * examples; `lockstep dry-run --input FILE` traces one sample input with no side effects.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { formatLoadError, formatTrace, parseTraceInput, runGoldens, trace, type MappingSet } from '../../mappings/lib/index.ts';
import { BUILTIN_DIRS, loadMappingDirs } from '../../mappings/lib/loader-fs.ts';
import { type CliContext, CliError } from './context.ts';

interface DirOptions {
  readonly builtin?: boolean;
}

async function loadSet(ctx: CliContext, dir: string | undefined, opts: DirOptions): Promise<MappingSet> {
  const dirs = [...(opts.builtin === false ? [] : BUILTIN_DIRS), ...(dir ? [path.resolve(ctx.cwd, dir)] : [])];
  if (dirs.length === 0) throw new CliError('nothing to load: give a directory or drop --no-builtin');
  const r = await loadMappingDirs(dirs);
  if (!r.ok) {
    for (const e of r.error) ctx.err(formatLoadError(e));
    throw new CliError(`${r.error.length} error(s) in mappings`);
  }
  return r.value;
}

export function registerMappingCommands(program: Command, ctx: CliContext): void {
  program
    .command('check [dir]')
    .description('Load vendor profiles and entitlement mappings (built-ins plus DIR) and run their golden examples.')
    .option('--no-builtin', 'do not load the built-in profiles and examples')
    .action(async (dir: string | undefined, opts: DirOptions) => {
      const set = await loadSet(ctx, dir, opts);
      const outcomes = await runGoldens(set);
      const failed = outcomes.filter((o) => !o.pass);
      for (const f of failed) {
        ctx.err(`${f.line}: golden example "${f.name}" failed`);
        ctx.err(`  expected ${JSON.stringify(f.expected)}`);
        ctx.err(`  actual   ${JSON.stringify(f.actual)}`);
      }
      ctx.out(`${set.profiles.size} profiles, ${set.mappings.length} mappings, ${outcomes.length - failed.length}/${outcomes.length} golden examples pass`);
      if (failed.length > 0) throw new CliError(`${failed.length} golden example(s) failed`);
    });

  program
    .command('dry-run')
    .description('Trace one sample input (vendor event, entitlement change or outbound action) step by step; nothing is sent or stored.')
    .requiredOption('--input <file>', 'YAML or JSON file: kind event|entitlement|request (see docs/mappings.md)')
    .option('--mappings <dir>', 'extra directory of mappings and profiles')
    .option('--no-builtin', 'do not load the built-in profiles and examples')
    .option('--json', 'print the trace as JSON')
    .action(async (opts: DirOptions & { input: string; mappings?: string; json?: boolean }) => {
      const set = await loadSet(ctx, opts.mappings, opts);
      const file = path.resolve(ctx.cwd, opts.input);
      const text = await readFile(file, 'utf8').catch((e: Error) => {
        throw new CliError(`cannot read ${opts.input}: ${e.message}`);
      });
      const input = parseTraceInput(opts.input, text);
      if (!input.ok) {
        for (const e of input.error) ctx.err(formatLoadError(e));
        throw new CliError('the dry-run input is invalid');
      }
      const t = await trace(set, input.value, ctx.clock.now());
      ctx.out(opts.json ? JSON.stringify(t, null, 2) : formatTrace(t));
    });
}
