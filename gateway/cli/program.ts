/**
 * The `lockstep` program: commander with every registered command, output through the context, and one
 * error path — a known failure is one line on stderr and a non-zero exit, never a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config-error.ts';
import { StartupError } from '../config/startup-error.ts';
import { VERSION } from '../config/version.ts';
import { commandRegistrars } from './commands.ts';
import { type CliContext, CliError } from './context.ts';

export function createProgram(ctx: CliContext): Command {
  const program = new Command('lockstep')
    .description('Keeps privileged access management (PAM) and identity governance (IGA) in lockstep.')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.out(text.replace(/\n$/, '')),
      writeErr: (text) => ctx.err(text.replace(/\n$/, '')),
    });
  for (const register of commandRegistrars) register(program, ctx);
  return program;
}

/** Runs one command line (`argv` without node and script); resolves with the exit code. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = createProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    return reportFailure(e, ctx);
  }
}

export function reportFailure(e: unknown, ctx: CliContext): number {
  if (e instanceof CommanderError) return e.exitCode;
  if (e instanceof ConfigError || e instanceof StartupError) {
    ctx.err(`lockstep: ${e.message}`);
    return 1;
  }
  if (e instanceof CliError) {
    ctx.err(`lockstep: ${e.message}`);
    return e.exitCode;
  }
  const message = e instanceof Error ? e.message : String(e);
  ctx.err(`lockstep: unexpected error: ${message.replace(/\s*[\r\n]+\s*/g, ' ')}`);
  if (ctx.env.LOCKSTEP_DEBUG && e instanceof Error && e.stack) ctx.err(e.stack);
  return 1;
}
