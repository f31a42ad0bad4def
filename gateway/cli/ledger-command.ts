/** `lockstep ledger verify`: walks the hash chain and names the first entry that was altered, removed or reordered. */
import type { Command } from 'commander';
import { verifyStoreLedger } from '../ledger/index.ts';
import { withStore } from './cli-resources.ts';
import { type CliContext, CliError } from './context.ts';

export function registerLedgerCommands(program: Command, ctx: CliContext): void {
  const ledger = program.command('ledger').description('Work with the evidence ledger.');
  ledger
    .command('verify')
    .description('Verify the hash chain of the evidence ledger; exit 1 naming the first bad entry.')
    .action(async () => {
      const result = await withStore(ctx, (store) => verifyStoreLedger(store));
      if (!result.ok) throw new CliError(`ledger verification failed at entry ${result.seq} (${result.problem}): ${result.detail}`);
      ctx.out(`ledger ok: ${result.count} entr${result.count === 1 ? 'y' : 'ies'}, last hash ${result.lastHash}`);
    });
}
