import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { CanonicalEvent, NormaliseResult } from '../../mappings/lib/canonical-event.ts';
import type { CompiledProfile } from '../../mappings/lib/compile-profile.ts';
import { normalise } from '../../mappings/lib/normalise.ts';
import type { Clock } from '../domain/clock.ts';
import type { InboxEvent } from '../domain/inbox-event.ts';
import type { Store } from '../store/store.ts';
import { storeUnavailable } from '../store/store-unavailable.ts';
import { intakeMetrics } from './intake-metrics.ts';
import { repeatingTask } from './repeating-task.ts';

export interface InboxProcessorDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  /** The compiled vendor profile of a connector (undefined: the event stays unrecognised with that reason). */
  readonly profileFor: (connectorId: string) => CompiledProfile | undefined;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  /**
   * A round failed because the store cannot take writes (disk full, no connection): reported here (the storage
   * health logs the episode once and turns readiness) instead of logging an error every round.
   */
  readonly onStorageFault?: ((err: unknown) => void) | undefined;
}

export interface InboxProcessor {
  /** Processes up to one batch of pending events; resolves with how many it finished (not those another replica took). */
  runOnce(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

/** The subject orders the sync engine's processing: events about one PAM target are handled in order. */
export function subjectOf(e: CanonicalEvent): string {
  return e.target ? `target:${e.connectorId}/${e.target.kind}/${e.target.ref}` : e.principal ? `principal:${e.connectorId}/${e.principal}` : `connector:${e.connectorId}`;
}

async function normaliseRow(row: InboxEvent, profile: CompiledProfile | undefined): Promise<NormaliseResult> {
  if (!profile) return { status: 'unrecognised', events: [], rules: [], reasons: [`no vendor profile for connector ${row.connectorId}`] };
  return normalise(profile, { connectorId: row.connectorId, body: row.body, contentType: row.contentType, headers: row.headers, channel: row.channel });
}

/**
 * Turns pending inbox rows into canonical events through the connector's vendor profile. Each row's events and
 * its final status commit in one transaction, so a crash leaves it pending and it is processed again whole.
 * Recognised and deliberately ignored rows become `processed`; the rest `unrecognised` with reasons (visible in
 * the console), or `failed` when processing itself broke.
 *
 * Replicas sharing one database may list the same pending rows: each transaction first claims its row
 * (`inbox.markDoneIfPending`), and one that finds the row settled, or being settled by another replica, writes
 * nothing. So a row's canonical events are appended once however many processors run.
 */
export function createInboxProcessor(deps: InboxProcessorDeps): InboxProcessor {
  const metrics = intakeMetrics(deps.registry);
  const log = deps.logger.child({ component: 'inbox-processor' });
  const batchSize = deps.batchSize ?? 200;

  /** false: another replica settled the row (or is settling it now); nothing was written. */
  async function processRow(row: InboxEvent): Promise<boolean> {
    const at = new Date(deps.clock.now()).toISOString();
    let result: NormaliseResult;
    try {
      result = await normaliseRow(row, deps.profileFor(row.connectorId));
    } catch (e) {
      log.error({ err: e, inboxId: row.id, connectorId: row.connectorId }, 'normalisation failed');
      if (!(await deps.store.inbox.markDoneIfPending(row.id, 'failed', at, 'normalisation failed unexpectedly'))) return false;
      metrics.inboxProcessed.inc({ connector: row.connectorId, status: 'failed' });
      return true;
    }
    const status = result.status === 'unrecognised' ? 'unrecognised' : 'processed';
    const claimed = await deps.store.transaction(async (tx) => {
      const error = status === 'unrecognised' ? result.reasons.join('; ').slice(0, 2000) : undefined;
      if (!(await tx.inbox.markDoneIfPending(row.id, status, at, error))) return false;
      for (const event of result.events) {
        await tx.events.append({
          type: 'pam.event',
          subject: subjectOf(event),
          actor: `connector:${row.connectorId}`,
          payload: { stage: 'normalised', inboxId: row.id, event: event as unknown as Record<string, unknown> },
          occurredAt: at,
        });
      }
      return true;
    });
    if (!claimed) {
      log.debug({ inboxId: row.id, connectorId: row.connectorId }, 'inbox event settled by another replica');
      return false;
    }
    metrics.inboxProcessed.inc({ connector: row.connectorId, status });
    if (status === 'unrecognised') log.info({ inboxId: row.id, connectorId: row.connectorId, reasons: result.reasons }, 'inbox event not recognised');
    return true;
  }

  async function runOnce(): Promise<number> {
    const rows = await deps.store.inbox.listPending(batchSize);
    let finished = 0;
    for (const row of rows) if (await processRow(row)) finished++;
    return finished;
  }

  /** One round; the next comes at once after work, else after the poll interval. */
  async function round(): Promise<number> {
    let n = 0;
    try {
      n = await runOnce();
    } catch (e) {
      if (deps.onStorageFault && storeUnavailable(e)) {
        deps.onStorageFault(e);
        log.debug({ err: e }, 'inbox processing round failed: the state store cannot take writes');
      } else log.error({ err: e }, 'inbox processing round failed');
    }
    return n > 0 ? 0 : deps.pollIntervalMs ?? 250;
  }

  return { runOnce, ...repeatingTask(round) };
}
