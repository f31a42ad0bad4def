/**
 * CyberArk Identity Security Platform audit stream, for the gateway's poller.
 *
 * MODELLED, NOT VERIFIED against CyberArk's documentation: the two-step cursor (`createQuery` returns a
 * `cursorRef`, `results` returns `{data, paging: {cursor: {cursorRef}}}`) and the event fields below are a
 * plausible shape. What matters for the poller: the cursor is opaque and durable — resuming with the last
 * cursor returns exactly the events appended since, with no gap and no repeat — and an empty page keeps it.
 */
import type { Clock } from '../../../gateway/domain/clock.ts';
import { json, route, type Route } from '../fake-server.ts';

export interface CyberArkAuditEvent {
  uuid: string;
  tenantId: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  username: string;
  applicationCode: 'PAM' | 'SIA' | 'SCA' | 'IDP';
  auditCode: string;
  auditType: 'Info' | 'Warning' | 'Error';
  action: string;
  actionType: string;
  source: string;
  target: string;
  safe?: string;
  accountName?: string;
  sessionId?: string;
  customData: Record<string, unknown>;
}

interface Cursor {
  readonly pos: number;
  readonly pageSize: number;
}

const encode = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

function decode(ref: unknown): Cursor | undefined {
  if (typeof ref !== 'string') return undefined;
  try {
    const c = JSON.parse(Buffer.from(ref, 'base64url').toString('utf8')) as Partial<Cursor>;
    return Number.isInteger(c.pos) && Number.isInteger(c.pageSize) ? { pos: c.pos!, pageSize: c.pageSize! } : undefined;
  } catch {
    return undefined;
  }
}

export class CyberArkAuditLog {
  readonly events: CyberArkAuditEvent[] = [];
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  /** Appends an event (defaults filled in) and returns it. */
  append(e: Partial<CyberArkAuditEvent> & { action: string }): CyberArkAuditEvent {
    this.seq += 1;
    const event: CyberArkAuditEvent = {
      uuid: `audit-${String(this.seq).padStart(8, '0')}`,
      tenantId: 'tenant-fake',
      timestamp: this.clock.now(),
      username: 'system',
      applicationCode: 'PAM',
      auditCode: 'PAM0001',
      auditType: 'Info',
      actionType: 'Access',
      source: 'PVWA',
      target: '',
      customData: {},
      ...e,
    };
    this.events.push(event);
    return event;
  }
}

export function auditRoutes(deps: { readonly log: CyberArkAuditLog }): Route[] {
  return [
    route('POST', '/api/audits/stream/createQuery', (req) => {
      const q = ((req.body ?? {}) as { query?: { pageSize?: unknown } }).query ?? {};
      const pageSize = typeof q.pageSize === 'number' && q.pageSize > 0 ? Math.min(q.pageSize, 1000) : 100;
      return json(200, { cursorRef: encode({ pos: 0, pageSize }) });
    }),
    route('POST', '/api/audits/stream/results', (req) => {
      const cursor = decode(((req.body ?? {}) as { cursorRef?: unknown }).cursorRef);
      if (!cursor || cursor.pos > deps.log.events.length) return json(400, { code: 'INVALID_CURSOR', message: 'cursorRef is invalid or expired' });
      const data = deps.log.events.slice(cursor.pos, cursor.pos + cursor.pageSize);
      return json(200, { data, paging: { cursor: { cursorRef: encode({ pos: cursor.pos + data.length, pageSize: cursor.pageSize }) } } });
    }),
  ];
}
