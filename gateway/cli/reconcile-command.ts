/**
 * `lockstep reconcile`: one full reconciliation run against every enabled PAM connector's inventory, with the
 * configured store, connectors and mappings. Outbound calls it decides on are written to the outbox; the
 * running gateway's dispatcher sends them. On PostgreSQL it skips when a gateway replica is reconciling.
 */
import type { Command } from 'commander';
import { formatLoadError, type MappingSet } from '../../mappings/lib/index.ts';
import { loadMappingDirs } from '../../mappings/lib/loader-fs.ts';
import type { ConfigFile } from '../config/config-file.ts';
import { mappingSources } from '../mapping-registry/mapping-sources.ts';
import { createLogger } from '../observability/logger.ts';
import { openPamConnectors } from '../reconcile/reconcile-wiring.ts';
import type { ReconcileReport } from '../reconcile/reconcile-run.ts';
import { createReconciler } from '../reconcile/reconciler.ts';
import { syncConnectors } from '../sync/sync-wiring.ts';
import { cliEnvironment, openCliConfig, withStore } from './cli-resources.ts';
import { type CliContext, CliError } from './context.ts';

/** The mappings the configuration names (built-in profiles, profilesDir, mappingsDir), or a CliError. */
export async function loadConfiguredMappings(ctx: CliContext, config: ConfigFile | undefined): Promise<MappingSet> {
  const settings = config?.current().settings ?? { mappingsDir: './mappings/examples', profilesDir: './mappings/profiles' };
  const r = await loadMappingDirs(mappingSources(settings, ctx.cwd).dirs);
  if (!r.ok) {
    for (const e of r.error) ctx.err(formatLoadError(e));
    throw new CliError(`${r.error.length} error(s) in mappings; run \`lockstep check\``);
  }
  return r.value;
}

function summary(r: ReconcileReport): string[] {
  const d = r.differences;
  return [
    ...r.connectors.map((c) => `${c.id}: ${c.paths} path(s) in ${c.pages} page(s)${c.perTarget ? ' (per target)' : ''}${c.error ? ` FAILED: ${c.error}` : ''}`),
    `${r.assignments} active assignment(s), ${r.expectedPaths} expected path(s); differences: ${d.unapprovedAtPam} unapproved at PAM, ${d.missingAtPam} missing at PAM, ${d.permissionMismatch} permission, ${d.modeMismatch} mode`,
    `findings: ${r.findings.opened} opened, ${r.findings.reopened} reopened, ${r.findings.resolved} resolved, ${r.findings.exceptionExpired} exception(s) expired; ${r.conflictsOpened} conflict(s) opened; ${r.enqueued} outbound call(s) queued`,
  ];
}

export function registerReconcileCommand(program: Command, ctx: CliContext): void {
  program
    .command('reconcile')
    .description('Run a full reconciliation now: PAM inventory against approved access; findings, conflicts and drift actions.')
    .option('--json', 'print the run report as JSON')
    .action(async (opts: { json?: boolean }) => {
      const config = await openCliConfig(ctx, { checkSecrets: true });
      const set = await loadConfiguredMappings(ctx, config);
      const logger = createLogger({ level: cliEnvironment(ctx).logLevel, destination: { write: (line: string) => ctx.err(line.trimEnd()) } });
      const outcome = await withStore(ctx, (store) => createReconciler({
        store, clock: ctx.clock, random: ctx.random, logger,
        mappings: () => set,
        connectors: () => syncConnectors({ config }),
        openConnectors: () => openPamConnectors(config.current().connectors, set, ctx.env, ctx.clock, (f, m) => logger.warn(f, m)),
      }).reconcileNow());
      if (!outcome.ran) throw new CliError(outcome.reason === 'locked-elsewhere' ? 'another reconciler holds the lock (a gateway replica is reconciling)' : 'no mappings loaded');
      const r = outcome.report;
      if (opts.json) ctx.out(JSON.stringify(r, null, 2));
      else for (const line of summary(r)) ctx.out(line);
      if (r.connectors.some((c) => c.error)) throw new CliError('some connectors could not be read');
    });
}
