/**
 * `lockstep evidence export`: an evidence pack for recertification (per entitlement, per owner, or per review
 * campaign of several entitlements) as JSON, CSV or a printable HTML report, to standard output or a file.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { ConfigFile } from '../config/config-file.ts';
import { isoAt } from '../domain/clock.ts';
import type { EvidenceScope } from '../domain/evidence-pack.ts';
import { type EntitlementId, isId } from '../domain/ids.ts';
import { buildEvidenceFromStore, EVIDENCE_FORMATS, type EvidenceFormat, renderEvidence } from '../evidence/evidence-export.ts';
import { openCliConfig, withStore } from './cli-resources.ts';
import { type CliContext, CliError } from './context.ts';
import { loadConfiguredMappings } from './reconcile-command.ts';

interface ExportOptions {
  readonly entitlement?: string[];
  readonly owner?: string;
  readonly campaign?: string;
  readonly format: string;
  readonly out?: string;
  readonly unusedDays?: string;
  readonly from?: string;
  readonly to?: string;
}

function scopeOf(o: ExportOptions): EvidenceScope {
  const ids = o.entitlement ?? [];
  for (const id of ids) if (!isId('entitlement', id)) throw new CliError(`"${id}" is not an entitlement id (ent_…)`);
  if (o.owner !== undefined) {
    if (ids.length > 0 || o.campaign !== undefined) throw new CliError('give either --owner or --entitlement, not both');
    return { kind: 'owner', owner: o.owner };
  }
  if (o.campaign !== undefined) {
    if (ids.length === 0) throw new CliError('--campaign needs the entitlements under review (--entitlement ID, repeated)');
    return { kind: 'campaign', name: o.campaign, entitlementIds: ids as EntitlementId[] };
  }
  if (ids.length === 1) return { kind: 'entitlement', entitlementId: ids[0] as EntitlementId };
  if (ids.length > 1) throw new CliError('several entitlements make a review campaign: add --campaign NAME');
  throw new CliError('say what to export: --entitlement ID, --owner NAME, or --campaign NAME with --entitlement ID…');
}

function instant(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new CliError(`--${name} "${value}" is not a date`);
  return new Date(ms).toISOString();
}

export function registerEvidenceCommands(program: Command, ctx: CliContext): void {
  const evidence = program.command('evidence').description('Recertification evidence.');
  evidence
    .command('export')
    .description('Export an evidence pack (approvals, elevation decisions, sessions, revocations, findings, conflicts, ledger, framework tags).')
    .option('--entitlement <id>', 'an entitlement (repeat with --campaign for a review campaign)', (v: string, prior: string[] = []) => [...prior, v])
    .option('--owner <name>', 'every entitlement this owner is accountable for')
    .option('--campaign <name>', 'a review campaign over the --entitlement ids given')
    .option('--format <format>', `${EVIDENCE_FORMATS.join(' | ')}`, 'json')
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--unused-days <n>', 'recommend revoking access unused this many days', '90')
    .option('--from <date>', 'only activity from this date')
    .option('--to <date>', 'only activity up to this date')
    .action(async (o: ExportOptions) => {
      if (!(EVIDENCE_FORMATS as readonly string[]).includes(o.format)) throw new CliError(`--format must be one of ${EVIDENCE_FORMATS.join(', ')}`);
      const unusedDays = Number(o.unusedDays ?? '90');
      if (!Number.isInteger(unusedDays) || unusedDays < 1) throw new CliError('--unused-days must be a positive whole number');
      const scope = scopeOf(o);
      const from = instant(o.from, 'from');
      const to = instant(o.to, 'to');
      if ((from === undefined) !== (to === undefined)) throw new CliError('give both --from and --to, or neither');
      let config: ConfigFile | undefined;
      try {
        config = await openCliConfig(ctx, { checkSecrets: false });
      } catch {
        config = undefined;
      }
      const mappings = await loadConfiguredMappings(ctx, config).catch(() => undefined);
      const pack = await withStore(ctx, (store) => buildEvidenceFromStore(store, scope, isoAt(ctx.clock), {
        unusedDays, mappings, ...(from && to ? { period: { from, to } } : {}),
      }));
      if (pack.entitlements.length === 0) throw new CliError(`no entitlement in scope (${scope.kind === 'owner' ? `owner ${scope.owner}` : scope.kind === 'entitlement' ? scope.entitlementId : scope.name})`);
      const text = renderEvidence(pack, o.format as EvidenceFormat);
      if (o.out) {
        await writeFile(path.resolve(ctx.cwd, o.out), text);
        ctx.out(`evidence pack written to ${o.out}: ${pack.entitlements.length} entitlement(s), ${pack.assignments.length} assignment(s), ${pack.findings.length} finding(s)`);
      } else {
        ctx.out(text.replace(/\r?\n$/, ''));
      }
    });
}
