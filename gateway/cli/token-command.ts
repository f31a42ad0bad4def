/** `lockstep token create|list|revoke`: SCIM bearer tokens for IGA connectors (the list also shows the admin token's last use). */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { isId } from '../domain/ids.ts';
import { issueScimToken, revokeApiToken } from '../http/api-tokens.ts';
import { adminTokenLastUsed } from '../http/token-usage.ts';
import { openCliConfig, withStore } from './cli-resources.ts';
import { type CliContext, CliError } from './context.ts';

function positiveDays(value: string): number {
  const days = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || days <= 0 || days > 3650) throw new InvalidArgumentError('expected a number of days between 0 and 3650');
  return days;
}

export function registerTokenCommands(program: Command, ctx: CliContext): void {
  const token = program.command('token').description('Manage SCIM bearer tokens of IGA connectors.');

  token
    .command('create')
    .description('Create a SCIM token for an IGA connector; the token is printed once, only its hash is stored.')
    .requiredOption('--connector <id>', 'IGA connector id (from the configuration file)')
    .option('--label <label>', 'what the token is for')
    .option('--expires-in <days>', 'expire after this many days', positiveDays)
    .action(async (opts: { connector: string; label?: string; expiresIn?: number }) => {
      const config = await openCliConfig(ctx, { checkSecrets: false });
      const connector = config.current().connectors.find((c) => c.id === opts.connector);
      if (!connector) throw new CliError(`connector "${opts.connector}" is not in ${config.display}`);
      if (connector.kind !== 'iga') throw new CliError(`connector "${opts.connector}" is a ${connector.kind} connector; SCIM tokens are for iga connectors`);
      const { token: secret, record } = await withStore(ctx, (store) => issueScimToken(
        { store, clock: ctx.clock, random: ctx.random },
        { connectorId: connector.id, label: opts.label, expiresInDays: opts.expiresIn },
      ));
      ctx.out(`Created SCIM token ${record.id} for connector ${connector.id}${record.expiresAt ? `, expires ${record.expiresAt}` : ''}.`);
      ctx.out(secret);
      ctx.out('It is shown only now: configure it in the IGA system as the bearer token. Only its SHA-256 hash is kept.');
    });

  token
    .command('list')
    .description('List tokens (never the tokens themselves).')
    .option('--connector <id>', 'only tokens of this connector')
    .option('--json', 'print JSON')
    .action(async (opts: { connector?: string; json?: boolean }) => {
      // The admin token lives in the configuration file (its hash); shown unless the list is for one connector.
      const adminHash = opts.connector ? undefined : await openCliConfig(ctx, { checkSecrets: false })
        .then((config) => config.current().settings.adminTokenHash, () => undefined);
      const { tokens, adminLastUsed } = await withStore(ctx, async (store) => ({
        tokens: await store.tokens.list(opts.connector ? { connectorId: opts.connector } : undefined),
        adminLastUsed: await adminTokenLastUsed(store, adminHash),
      }));
      const admin = adminHash === undefined ? [] : [{ id: 'admin', scope: 'admin', label: 'admin token (settings.adminTokenHash)', lastUsedAt: adminLastUsed }];
      if (opts.json) {
        ctx.out(JSON.stringify([...tokens.map(({ hash: _hash, ...rest }) => rest), ...admin], null, 2));
        return;
      }
      if (tokens.length === 0 && admin.length === 0) {
        ctx.out('no tokens');
        return;
      }
      const rows = [
        ...tokens.map((t) => [t.id, t.scope, t.connectorId ?? '-', t.label, t.createdAt, t.expiresAt ?? '-', t.revokedAt ? `revoked ${t.revokedAt}` : 'active', t.lastUsedAt ?? 'never']),
        ...admin.map((a) => [a.id, a.scope, '-', a.label, '-', '-', 'active', a.lastUsedAt ?? 'never']),
      ];
      const header = ['ID', 'SCOPE', 'CONNECTOR', 'LABEL', 'CREATED', 'EXPIRES', 'STATUS', 'LAST USED'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
      for (const row of [header, ...rows]) ctx.out(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
    });

  token
    .command('revoke')
    .description('Revoke a token by id (tok_...); requests with it are refused from then on.')
    .argument('<id>', 'token id')
    .action(async (id: string) => {
      if (!isId('token', id)) throw new CliError(`"${id}" is not a token id (tok_ followed by 26 characters)`);
      const revoked = await withStore(ctx, (store) => revokeApiToken({ store, clock: ctx.clock }, id));
      if (!revoked) throw new CliError(`no active token ${id}`);
      ctx.out(`revoked ${id}`);
    });
}
