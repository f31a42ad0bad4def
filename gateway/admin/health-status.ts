/**
 * The status of a connector, a mapping and the sync engine in mapping health: pure rules over the figures, with a
 * reason for everything that is not ok. The thresholds are documented in docs/admin-api.md.
 */
import type { ConnectorHealth, HealthErrors, HealthLag, HealthStatus } from '../../console/shared/api-types.ts';

export const HEALTH_THRESHOLDS = {
  /** The oldest pending inbox delivery or undelivered outbox message older than this: degraded. */
  lagDegradedSeconds: 5 * 60,
  /** … older than this: failing. */
  lagFailingSeconds: 60 * 60,
  /** An error rate at or above this over at least `errorRateMinHandled` handled in the window: failing. */
  errorRateFailing: 0.5,
  errorRateMinHandled: 10,
  /** The oldest domain event the sync engine has not consumed older than this: degraded; the next: failing. */
  syncDegradedSeconds: 60,
  syncFailingSeconds: 15 * 60,
} as const;

export interface Verdict {
  readonly status: HealthStatus;
  readonly reasons: readonly string[];
}

const RANK: Record<HealthStatus, number> = { ok: 0, degraded: 1, failing: 2 };

export function worst(statuses: readonly HealthStatus[]): HealthStatus {
  return statuses.reduce<HealthStatus>((w, s) => (RANK[s] > RANK[w] ? s : w), 'ok');
}

/** "45 s", "7 min", "3 h". */
export function formatAge(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 2 * 3600) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

class Findings {
  readonly found: { status: HealthStatus; reason: string }[] = [];
  constructor(private prefix = '') {}
  add(status: HealthStatus, reason: string): void {
    this.found.push({ status, reason: `${this.prefix}${reason}` });
  }
  /** Over a threshold pair: failing above the second, degraded above the first. */
  age(what: string, seconds: number | undefined, degraded: number, failing: number): void {
    if (seconds === undefined || seconds <= degraded) return;
    const over = seconds > failing ? failing : degraded;
    this.add(seconds > failing ? 'failing' : 'degraded', `${what} ${formatAge(seconds)} old (over ${formatAge(over)})`);
  }
  for(prefix: string): this {
    this.prefix = prefix;
    return this;
  }
  /** Failing reasons first, each group in the order found. */
  verdict(): Verdict {
    const ordered = [...this.found].sort((a, b) => RANK[b.status] - RANK[a.status]);
    return { status: worst(ordered.map((f) => f.status)), reasons: ordered.map((f) => f.reason) };
  }
}

function judge(lag: HealthLag, errors: HealthErrors, windowHours: number, into: Findings): void {
  const t = HEALTH_THRESHOLDS;
  if (errors.deadLetters > 0) into.add('failing', plural(errors.deadLetters, 'dead letter', 'dead letters'));
  into.age('oldest undelivered outbox message', lag.outboundOldestAgeSeconds, t.lagDegradedSeconds, t.lagFailingSeconds);
  into.age('oldest pending inbox delivery', lag.intakeOldestAgeSeconds, t.lagDegradedSeconds, t.lagFailingSeconds);
  if (errors.rate !== null && errors.handled >= t.errorRateMinHandled && errors.rate >= t.errorRateFailing) {
    into.add('failing', `error rate ${Math.round(errors.rate * 100)}% of ${errors.handled} handled in the last ${windowHours} h`);
  }
  if (errors.outboxFailed > 0) into.add('degraded', `${plural(errors.outboxFailed, 'outbox message', 'outbox messages')} failed, retrying`);
  if (errors.inboxUnrecognised > 0) into.add('degraded', `${plural(errors.inboxUnrecognised, 'inbox delivery', 'inbox deliveries')} not recognised in the last ${windowHours} h`);
  if (errors.inboxFailed > 0) into.add('degraded', `${plural(errors.inboxFailed, 'inbox delivery', 'inbox deliveries')} failed in the last ${windowHours} h`);
}

export function connectorVerdict(lag: HealthLag, errors: HealthErrors, windowHours: number): Verdict {
  const f = new Findings();
  judge(lag, errors, windowHours, f);
  return f.verdict();
}

/**
 * Its open `mapping-unresolved` findings (degraded), then the rules applied to each of its connectors, reasons
 * prefixed with `<connectorId>: ` (so the mapping is as bad as its worst connector).
 */
export function mappingVerdict(openFindings: number, connectors: readonly ConnectorHealth[], windowHours: number): Verdict {
  const f = new Findings();
  if (openFindings > 0) f.add('degraded', plural(openFindings, 'open mapping-unresolved finding', 'open mapping-unresolved findings'));
  for (const c of connectors) judge(c.lag, c.errors, windowHours, f.for(`${c.connectorId}: `));
  return f.verdict();
}

export function syncVerdict(behind: number, oldestUnconsumedAgeSeconds: number | undefined): Verdict {
  const f = new Findings();
  const t = HEALTH_THRESHOLDS;
  if (behind > 0) f.age(`${plural(behind, 'domain event', 'domain events')} not consumed; the oldest`, oldestUnconsumedAgeSeconds, t.syncDegradedSeconds, t.syncFailingSeconds);
  return f.verdict();
}
