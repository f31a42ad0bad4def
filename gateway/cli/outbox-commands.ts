/** `lockstep outbox list --dead` and `lockstep outbox replay [--id ID | --connector C | --all]`. */
import type { Command } from 'commander';
import { isId } from '../domain/ids.ts';
import { listDeadLetters, type ReplayFilter, replayDeadLetters } from '../outbox/dead-letters.ts';
import { withStore } from './cli-resources.ts';
import { type CliContext, CliError } from './context.ts';

export function registerOutboxCommands(program: Command, ctx: CliContext): void {
  const outbox = program.command('outbox').description('Inspect the outbound call queue and replay dead letters.');

  outbox
    .command('list')
    .description('List outbound calls; with --dead, the dead letters (abandoned after their last attempt).')
    .option('--dead', 'only dead letters')
    .option('--connector <id>', 'only this connector')
    .option('--limit <n>', 'at most this many', '100')
    .action(async (opts: { dead?: boolean; connector?: string; limit: string }) => {
      const count = Number(opts.limit);
      if (!Number.isInteger(count) || count < 1) throw new CliError('--limit must be a positive integer');
      const page = await withStore(ctx, (store) => opts.dead
        ? listDeadLetters({ store }, { ...(opts.connector ? { connectorId: opts.connector } : {}) }, { startIndex: 1, count })
        : store.outbox.list({ ...(opts.connector ? { connectorId: opts.connector } : {}) }, { startIndex: 1, count }));
      for (const m of page.items) {
        ctx.out([m.id, m.connectorId, m.action, m.status, `attempts=${m.attempts}`, m.updatedAt, m.lastError ? `error=${JSON.stringify(m.lastError)}` : ''].filter(Boolean).join('  '));
      }
      ctx.out(`${page.items.length} of ${page.totalResults}${opts.dead ? ' dead letters' : ' messages'}`);
    });

  outbox
    .command('replay')
    .description('Put dead letters back in the queue: one (--id), those of one connector (--connector), or all (--all).')
    .option('--id <id>', 'one dead letter (obx_...)')
    .option('--connector <id>', 'every dead letter of this connector')
    .option('--all', 'every dead letter')
    .action(async (opts: { id?: string; connector?: string; all?: boolean }) => {
      const chosen = [opts.id !== undefined, opts.connector !== undefined, opts.all === true].filter(Boolean).length;
      if (chosen !== 1) throw new CliError('say exactly one of --id ID, --connector C or --all');
      let filter: ReplayFilter;
      if (opts.id !== undefined) {
        if (!isId('outbox', opts.id)) throw new CliError(`--id ${opts.id} is not an outbox id (obx_...)`);
        filter = { id: opts.id };
      } else if (opts.connector !== undefined) {
        filter = { connectorId: opts.connector };
      } else {
        filter = { all: true };
      }
      const n = await withStore(ctx, (store) => replayDeadLetters({ store, clock: ctx.clock }, filter, 'cli'));
      if (n === 0 && opts.id !== undefined) throw new CliError(`${opts.id} is not a dead letter`);
      ctx.out(`replayed ${n} dead letter${n === 1 ? '' : 's'}`);
    });
}
