/**
 * `GET /health` (the overview's figures) and `GET /connectors` (configuration, secrets never included; IGA
 * connectors with their SCIM tokens' ids, labels and last use).
 */
import { Router } from 'express';
import type { ConnectorView, HealthSummary, TokenView } from '../../console/shared/api-types.ts';
import type { ConnectorConfig } from '../config/config-schema.ts';
import { FINDING_KINDS, SEVERITIES, type FindingKind, type Severity } from '../domain/finding.ts';
import type { OutboxStatus } from '../domain/outbox-message.ts';
import type { FindingFilter, Store } from '../store/store.ts';
import type { AdminDeps } from './admin-deps.ts';

/** Kinds meaning one side holds access the other cannot see or has not caught up with. */
export const UNSYNCHRONISED_KINDS: readonly FindingKind[] = ['pam-grant-without-entitlement', 'revocation-pending', 'elevation-overstay', 'mapping-unresolved'];

const ONE = { startIndex: 1, count: 1 } as const;
const SORT = { by: 'lastSeenAt', order: 'desc' } as const;

async function countFindings(store: Store, filter: FindingFilter): Promise<number> {
  return (await store.findings.list(filter, SORT, ONE)).totalResults;
}

export async function healthSummary(deps: Pick<AdminDeps, 'store' | 'readiness' | 'mappings'>): Promise<HealthSummary> {
  const { store } = deps;
  const [report, open, excepted, conflicts, stats, lastLedger, lastSeq] = await Promise.all([
    deps.readiness(),
    countFindings(store, { status: 'open' }),
    countFindings(store, { status: 'excepted' }),
    store.conflicts.list({ status: 'open' }, ONE),
    store.outbox.stats(),
    store.ledger.last(),
    store.events.lastSeq(),
  ]);
  const bySeverity = Object.fromEntries(await Promise.all(SEVERITIES.map(async (s) => [s, await countFindings(store, { status: 'open', severity: s })]))) as Record<Severity, number>;
  const byKind: Partial<Record<FindingKind, number>> = {};
  for (const kind of FINDING_KINDS) {
    const n = await countFindings(store, { status: 'open', kind });
    if (n > 0) byKind[kind] = n;
  }
  const outbox: Partial<Record<OutboxStatus, number>> = {};
  for (const s of stats) outbox[s.status] = (outbox[s.status] ?? 0) + s.count;
  const status = deps.mappings.status();
  return {
    ready: report.ready,
    checks: Object.fromEntries(Object.entries(report.checks).map(([k, c]) => [k, c.ok ? { ok: true } : { ok: false, reason: c.reason }])),
    findings: { open, excepted, bySeverity, byKind },
    unsynchronised: UNSYNCHRONISED_KINDS.reduce((n, k) => n + (byKind[k] ?? 0), 0),
    conflicts: { open: conflicts.totalResults },
    outbox,
    ledger: { entries: lastLedger?.seq ?? 0 },
    events: { lastSeq },
    mappings: { version: status.version, count: status.mappings.length, error: status.lastError !== undefined },
  };
}

/** The base URL without credentials or query (a URL may carry a token in userinfo or a parameter). */
function publicBaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

export function connectorView(c: ConnectorConfig, tokens?: readonly TokenView[]): ConnectorView {
  return {
    ...(c.kind === 'iga' ? { tokens: tokens ?? [] } : {}),
    id: c.id, kind: c.kind, vendor: c.vendor, profile: c.profile, displayName: c.displayName, enabled: c.enabled,
    inbound: c.inbound ? { scheme: c.inbound.scheme } : undefined,
    outbound: c.outbound ? { baseUrl: publicBaseUrl(c.outbound.baseUrl), auth: c.outbound.auth.kind } : undefined,
  };
}

export function createHealthRoutes(deps: Pick<AdminDeps, 'store' | 'readiness' | 'mappings' | 'connectors'>): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    res.json(await healthSummary(deps));
  });
  router.get('/connectors', async (_req, res) => {
    const byConnector = new Map<string, TokenView[]>();
    for (const t of await deps.store.tokens.list({ scope: 'scim' })) {
      if (t.connectorId === undefined) continue;
      const view: TokenView = { id: t.id, label: t.label, createdAt: t.createdAt, expiresAt: t.expiresAt, revokedAt: t.revokedAt, lastUsedAt: t.lastUsedAt };
      byConnector.set(t.connectorId, [...(byConnector.get(t.connectorId) ?? []), view]);
    }
    res.json(deps.connectors().map((c) => connectorView(c, byConnector.get(c.id))));
  });
  return router;
}
