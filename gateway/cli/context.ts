/**
 * What a CLI command may use: its environment and output, passed in so that commands run in-process in tests
 * with captured output, and as the real process from `bin/lockstep.mjs`.
 */
import { randomBytes } from 'node:crypto';
import type { Environment } from '../config/secrets.ts';
import type { Mount } from '../http/app.ts';
import { type Clock, systemClock } from '../domain/clock.ts';
import type { RandomSource } from '../domain/ids.ts';

export interface CliContext {
  readonly env: Environment;
  readonly cwd: string;
  readonly clock: Clock;
  readonly random: RandomSource;
  /** Writes one line (a newline is added) to standard output. */
  out(line: string): void;
  /** Writes one line to standard error. */
  err(line: string): void;
  /** Long-running commands (`start`) call this to be told when to stop (SIGTERM, SIGINT). */
  onStopSignal(handler: (signal: string) => void): void;
  /** `start` re-reads its configuration file when told (SIGHUP). */
  onReloadSignal?(handler: () => void): void;
  /** Ends the process (or, in tests, records the code). */
  exit(code: number): void;
  /** Routers `start` serves besides the built-in ones (tests that need e.g. a slow route). */
  readonly extraMounts?: readonly Mount[];
}

export function processCliContext(): CliContext {
  return {
    env: process.env,
    cwd: process.cwd(),
    clock: systemClock,
    random: (n) => randomBytes(n),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    onStopSignal(handler) {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => handler(signal));
    },
    onReloadSignal(handler) {
      process.on('SIGHUP', handler);
    },
    exit: (code) => process.exit(code),
  };
}

/** A command failure the user can act on: printed as one line, exit code 1 unless said otherwise. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}
