/**
 * The command registry. To add a command: write `gateway/cli/<name>-command.ts` exporting a
 * `CommandRegistrar`, and add it to this list.
 */
import type { Command } from 'commander';
import type { CliContext } from './context.ts';
import { registerConfigCommands } from './config-command.ts';
import { registerLedgerCommands } from './ledger-command.ts';
import { registerMappingCommands } from './mapping-commands.ts';
import { registerOutboxCommands } from './outbox-commands.ts';
import { registerStartCommand } from './start-command.ts';
import { registerTokenCommands } from './token-command.ts';
import { registerEvidenceCommands } from './evidence-command.ts';
import { registerReconcileCommand } from './reconcile-command.ts';

export type CommandRegistrar = (program: Command, ctx: CliContext) => void;

export const commandRegistrars: readonly CommandRegistrar[] = [
  registerStartCommand,
  registerConfigCommands,
  registerLedgerCommands,
  registerTokenCommands,
  registerOutboxCommands,
  registerMappingCommands,
  registerEvidenceCommands,
  registerReconcileCommand,
];
