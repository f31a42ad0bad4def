/**
 * What the demo reads back, only from real sources: the admin API (`/api/v1/health`), the state store the
 * gateway opened (inbox counts, elevations by vendor request id) and the vendor fakes' own state and call logs.
 * `settle` waits until the gateway has caught up (no pending inbox rows, nothing queued or in flight in the
 * outbox, nothing changing) or a bound passes.
 */
import type { HealthSummary } from '../../console/shared/api-types.ts';
import type { InboxStatus } from '../../gateway/domain/inbox-event.ts';
import type { Store } from '../../gateway/store/store.ts';
import type { DemoFakes } from './demo-fakes.ts';
import { bearer, httpCall } from './http-call.ts';

export interface Observation {
  /** The admin API's overview, or undefined when it did not answer 200. */
  readonly health: HealthSummary | undefined;
  readonly inbox: Readonly<Record<InboxStatus, number>>;
  /** Requests the PAM fakes received that changed their state (grants, revocations, decisions). */
  readonly pamEffects: number;
  readonly igaCalls: number;
}

export interface ObserveDeps {
  readonly gatewayUrl: string;
  readonly adminToken: string;
  readonly store: Store;
  readonly fakes: DemoFakes;
}

export async function observe(deps: ObserveDeps): Promise<Observation> {
  const answer = await httpCall(`${deps.gatewayUrl}/api/v1/health`, { headers: bearer(deps.adminToken) }).catch(() => undefined);
  return {
    health: answer?.status === 200 ? (answer.body as HealthSummary) : undefined,
    inbox: await deps.store.inbox.countByStatus(),
    pamEffects: deps.fakes.cyberark.calls.effectCount() + deps.fakes.teleport.calls.effectCount(),
    igaCalls: deps.fakes.iga.calls.length,
  };
}

function busy(o: Observation): boolean {
  return o.inbox.pending > 0 || (o.health?.outbox.queued ?? 0) > 0 || (o.health?.outbox.sending ?? 0) > 0;
}

function fingerprint(o: Observation): string {
  return JSON.stringify([o.health?.events.lastSeq, o.health?.ledger.entries, o.health?.outbox, o.health?.findings.open, o.inbox, o.pamEffects, o.igaCalls]);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves once nothing has changed for `quietMs` and nothing is waiting, or nothing has changed for `idleMs`
 * although something waits (a queue no worker drains, a retry not yet due), or after `maxMs`; returns the last
 * observation and whether nothing was waiting.
 */
export async function settle(deps: ObserveDeps, opts: { quietMs?: number; idleMs?: number; maxMs?: number } = {}): Promise<{ observation: Observation; settled: boolean }> {
  const quietMs = opts.quietMs ?? 1_000;
  const idleMs = opts.idleMs ?? 2_500;
  const deadline = Date.now() + (opts.maxMs ?? 10_000);
  let last = await observe(deps);
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    await sleep(150);
    const now = await observe(deps);
    if (fingerprint(now) !== fingerprint(last)) stableSince = Date.now();
    last = now;
    const stableFor = Date.now() - stableSince;
    if (!busy(now) && stableFor >= quietMs) return { observation: now, settled: true };
    if (stableFor >= idleMs) return { observation: now, settled: false };
  }
  return { observation: last, settled: !busy(last) };
}

/** Polls `check` every 100 ms until it holds or `maxMs` passes. */
export async function waitFor(check: () => boolean | Promise<boolean>, maxMs: number): Promise<boolean> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
}

/** One line for the running demo: what the gateway holds now. */
export function statusLine(o: Observation): string {
  const h = o.health;
  if (!h) return 'admin API did not answer';
  const outbox = Object.entries(h.outbox).map(([k, v]) => `${k} ${v}`).join(', ') || 'empty';
  const kinds = Object.entries(h.findings.byKind).map(([k, v]) => `${k} ${v}`).join(', ');
  return `${h.findings.open} open findings${kinds ? ` (${kinds})` : ''}, unsynchronised ${h.unsynchronised}; outbox ${outbox}; ` +
    `inbox processed ${o.inbox.processed}; ${h.events.lastSeq} events, ${h.ledger.entries} ledger entries`;
}
