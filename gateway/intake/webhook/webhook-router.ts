import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock } from '../../domain/clock.ts';
import type { StorageHealth } from '../../observability/storage-health.ts';
import type { InboxWriter } from '../inbox-writer.ts';
import { intakeMetrics } from '../intake-metrics.ts';
import type { Delivery } from '../verify/delivery.ts';
import { answerOktaChallenge } from '../verify/okta-challenge.ts';
import { credentialHeaders, verifyDelivery } from '../verify/scheme.ts';
import { contentHash, dedupeKey } from './dedupe-key.ts';
import { type WebhookConnector, assertWebhookConnectors } from './webhook-connector.ts';

export interface WebhookRouterDeps {
  readonly connectors: Iterable<WebhookConnector>;
  readonly inbox: InboxWriter;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Largest accepted body; larger ones get 413. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Told about state store faults; they are answered 503 with `Retry-After` so that the vendor retries. */
  readonly storage?: StorageHealth | undefined;
}

type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

function parseBody(contentType: string, text: string): Parsed {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      return { ok: false, reason: 'body is not valid JSON' };
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(text)) {
      const prev = out[k];
      out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    return { ok: true, value: out };
  }
  return { ok: false, reason: `unsupported content type ${type || '(none)'}; send application/json or application/x-www-form-urlencoded` };
}

function storedHeaders(req: Request, drop: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || drop.includes(k)) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/**
 * PAM webhook intake (`/webhooks/:connector`): verify the raw body with the connector's scheme, store it in the
 * inbox with its `pam.event` (one transaction, group-committed) and only then answer 2xx. Duplicates are
 * acknowledged and not stored again. Throws at construction when a connector has no usable secret.
 */
export function createWebhookRouter(deps: WebhookRouterDeps): Router {
  const byId = new Map<string, WebhookConnector>();
  for (const c of deps.connectors) byId.set(c.id, c);
  assertWebhookConnectors(byId.values());
  const metrics = intakeMetrics(deps.registry);
  const log = deps.logger.child({ component: 'webhook-intake' });
  const router = express.Router();

  const counters = new Map<string, { inc(): void }>();
  const count = (connector: string, outcome: string, reason = ''): void => {
    const key = `${connector}\u0000${outcome}\u0000${reason}`;
    let c = counters.get(key);
    if (!c) counters.set(key, (c = metrics.deliveries.labels({ connector, channel: 'webhook', outcome, reason })));
    c.inc();
  };
  const reject = (res: Response, connector: string, status: number, reason: string, detail: string): void => {
    count(connector, 'rejected', reason);
    res.status(status).json({ status: 'rejected', reason, detail });
  };

  const lookup = (req: Request, res: Response, next: NextFunction): void => {
    const connector = byId.get(String(req.params.connector));
    if (!connector) {
      count('unknown', 'rejected', 'unknown-connector');
      res.status(404).json({ status: 'rejected', reason: 'unknown-connector', detail: 'no webhook receiver for this connector' });
      return;
    }
    res.locals.connector = connector;
    next();
  };

  const delivery = (req: Request, rawBody: Buffer): Delivery => ({
    method: req.method, headers: req.headers, query: req.query as Record<string, unknown>, rawBody,
  });

  router.get('/:connector', lookup, (req, res) => {
    const connector = res.locals.connector as WebhookConnector;
    const answer = connector.oktaChallenge && connector.scheme.kind === 'shared-secret'
      ? answerOktaChallenge(connector.scheme, delivery(req, Buffer.alloc(0)))
      : undefined;
    if (!answer) return reject(res, connector.id, 401, 'bad-credentials', 'GET is only for a verification challenge with valid credentials');
    count(connector.id, 'challenge');
    res.status(200).json(answer);
  });

  router.post('/:connector', lookup, express.raw({ type: () => true, limit: deps.maxBodyBytes ?? 1024 * 1024 }), async (req, res) => {
    const connector = res.locals.connector as WebhookConnector;
    const endTimer = metrics.ingestSeconds.startTimer({ channel: 'webhook' });
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verified = verifyDelivery(connector.scheme, delivery(req, rawBody), { clock: deps.clock });
    if (!verified.ok) {
      log.warn({ connectorId: connector.id, reason: verified.error.code }, 'webhook delivery rejected');
      return reject(res, connector.id, 401, verified.error.code, verified.error.detail);
    }
    const contentType = req.headers['content-type'] ?? '';
    const text = rawBody.toString('utf8');
    const parsed = parseBody(contentType, text);
    if (!parsed.ok && !connector.alwaysOk) return reject(res, connector.id, 400, 'bad-body', parsed.reason);
    const key = parsed.ok
      ? await dedupeKey(connector.dedupe, { headers: req.headers, rawBody, parsed: parsed.value, eventId: verified.value.eventId })
      : `sha256:${contentHash([rawBody])}`;
    if (!key) return reject(res, connector.id, 400, 'missing-event-id', 'the delivery carries no event id where this connector expects one');
    const outcome = await deps.inbox.write({
      connectorId: connector.id,
      channel: 'webhook',
      dedupeKey: key,
      contentType,
      body: text,
      headers: storedHeaders(req, credentialHeaders(connector.scheme)),
    });
    endTimer();
    if (!outcome.inserted) {
      count(connector.id, 'duplicate');
      res.status(200).json({ status: 'duplicate', id: outcome.id });
      return;
    }
    count(connector.id, 'accepted');
    res.status(200).json({ status: 'accepted', id: outcome.id });
  });

  router.use((error: unknown, req: Request, res: Response, next: NextFunction): void => {
    const e = error as { type?: string; status?: number };
    const connector = (res.locals.connector as WebhookConnector | undefined)?.id ?? 'unknown';
    if (res.headersSent) return next(error);
    if (e.type === 'entity.too.large') return reject(res, connector, 413, 'too-large', `body exceeds ${deps.maxBodyBytes ?? 1024 * 1024} bytes`);
    if (e.status && e.status >= 400 && e.status < 500) return reject(res, connector, 400, 'bad-request', 'the request body could not be read');
    if (deps.storage?.report(error, { connectorId: connector, path: req.path })) {
      count(connector, 'error', 'storage-unavailable');
      res.setHeader('Retry-After', String(deps.storage.retryAfterSeconds));
      res.status(503).json({ status: 'error', reason: 'storage-unavailable', detail: 'the delivery was not stored; retry later' });
      return;
    }
    count(connector, 'error', 'internal');
    log.error({ err: error, connectorId: connector, path: req.path }, 'webhook intake failed');
    res.status(500).json({ status: 'error', reason: 'internal', detail: 'the delivery was not stored; retry later' });
  });

  return router;
}
