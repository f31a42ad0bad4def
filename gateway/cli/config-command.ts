/** `lockstep config check [--config FILE]`: validates the configuration file and every `env:NAME` it uses. */
import type { Command } from 'commander';
import { ConfigError } from '../config/config-error.ts';
import { openCliConfig } from './cli-resources.ts';
import { type CliContext, CliError } from './context.ts';

export function registerConfigCommands(program: Command, ctx: CliContext): void {
  const config = program.command('config').description('Work with the configuration file.');
  config
    .command('check')
    .description('Validate the configuration file: fields, connectors, and that every env:NAME secret is set.')
    .option('-c, --config <file>', 'configuration file (default: $LOCKSTEP_CONFIG or <data dir>/lockstep.json)')
    .action(async (opts: { config?: string }) => {
      try {
        const file = await openCliConfig(ctx, { file: opts.config, checkSecrets: true });
        const { connectors } = file.current();
        const list = connectors.map((c) => `${c.id} (${c.kind}, ${c.vendor})`).join(', ');
        ctx.out(`${file.display}: ok, ${connectors.length} connector${connectors.length === 1 ? '' : 's'}${list ? `: ${list}` : ''}`);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        for (const line of e.lines()) ctx.err(line);
        throw new CliError(`${e.file} is invalid (${e.problems.length} problem${e.problems.length === 1 ? '' : 's'})`);
      }
    });
}
