/**
 * `lockstep start`: runs the gateway until SIGTERM or SIGINT, then shuts down gracefully and exits 0. SIGHUP
 * re-reads the configuration file at once (it is also watched).
 */
import type { Command } from 'commander';
import { WEBHOOK_SCHEMES } from '../config/config-schema.ts';
import { ENVIRONMENT_VARIABLES, describeDatabase } from '../config/environment.ts';
import { type Gateway, startGateway } from '../main.ts';
import type { CliContext } from './context.ts';

export function registerStartCommand(program: Command, ctx: CliContext): void {
  program
    .command('start')
    .description('Start the gateway (SCIM service provider, PAM webhooks, admin API, console).')
    .addHelpText('after', `\nEnvironment:\n${Object.entries(ENVIRONMENT_VARIABLES).map(([k, v]) => `  ${k.padEnd(26)}${v}`).join('\n')}`)
    .action(async () => {
      let gateway: Gateway | undefined;
      let stopSignal: string | undefined;
      const stop = (g: Gateway, signal: string): void => {
        g.logger.info({ signal }, 'stop signal received');
        g.close().then(
          () => ctx.exit(0),
          (e: unknown) => {
            ctx.err(`lockstep: shutdown failed: ${(e as Error).message}`);
            ctx.exit(1);
          },
        );
      };
      ctx.onStopSignal((signal) => {
        if (stopSignal !== undefined) {
          ctx.err(`lockstep: ${signal} again, exiting without waiting`);
          ctx.exit(1);
          return;
        }
        stopSignal = signal;
        if (gateway) stop(gateway, signal);
      });
      ctx.onReloadSignal?.(() => void gateway?.configWatcher?.check());
      gateway = await startGateway({ env: ctx.env, cwd: ctx.cwd, clock: ctx.clock, random: ctx.random, extraMounts: ctx.extraMounts });
      for (const line of banner(gateway)) ctx.out(line);
      if (stopSignal !== undefined) stop(gateway, stopSignal);
    });
}

function banner(gateway: Gateway): string[] {
  const base = gateway.config.current().settings.publicUrl?.replace(/\/$/, '') ?? gateway.url;
  const lines = [
    `Lockstep ${gateway.version} listening on ${gateway.url}`,
    `  SCIM base      ${base}/scim/v2`,
    `  Webhooks       ${base}/webhooks/<connector>`,
    ...gateway.config.current().connectors
      .filter((c) => c.enabled !== false && c.inbound && WEBHOOK_SCHEMES.has(c.inbound.scheme))
      .map((c) => `                 ${base}/webhooks/${c.id}`),
    ...gateway.syslogListeners.map((l) => `  Syslog         ${l.host}:${l.port} (${l.connectorId}, ${l.tls ? 'TLS' : 'TCP'})`),
    `  Admin API      ${base}/api/v1`,
    `  Console        ${base}/console`,
    `  Metrics        ${base}/metrics   (health: /healthz, readiness: /readyz)`,
    `  Configuration  ${gateway.environment.configPath}`,
    `  State          ${describeDatabase(gateway.environment.database)}`,
  ];
  if (gateway.adminToken) {
    lines.push(
      '',
      'Admin token (shown once; only its SHA-256 hash is kept in the configuration file):',
      `  ${gateway.adminToken}`,
    );
  }
  return lines;
}
