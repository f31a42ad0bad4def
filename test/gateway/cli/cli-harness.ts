/** Runs the CLI in-process with captured output (for the one-shot commands). */
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../../gateway/domain/clock.ts';
import type { CliContext } from '../../../gateway/cli/context.ts';
import { runCli } from '../../../gateway/cli/program.ts';

export interface CliRun {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

export async function cli(argv: string[], env: Record<string, string | undefined>, cwd = process.cwd()): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    env: { LOCKSTEP_LOG_LEVEL: 'silent', ...env },
    cwd,
    clock: systemClock,
    random: (n) => randomBytes(n),
    out: (line) => out.push(...line.split('\n')),
    err: (line) => err.push(...line.split('\n')),
    onStopSignal: () => undefined,
    exit: () => undefined,
  };
  const code = await runCli(argv, ctx);
  return { code, out, err };
}
