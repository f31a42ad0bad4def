import type { AuthenticatedHttp } from '../../connectors/authenticated-http.ts';
import type { ConnectorError } from '../../connectors/pam-connector.ts';
import type { PollSource } from '../poller.ts';

const httpFailure = (what: string, status: number, retryAfter?: string | string[]): { ok: false; error: ConnectorError } => ({
  ok: false,
  error: { failure: { kind: 'http', status, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter }, message: `${what} answered HTTP ${status}` },
});

/**
 * CyberArk Identity Security Platform audit stream: `createQuery` gives the first opaque cursor, `results` a
 * page and the next cursor. Events carry a `uuid`, the dedupe key.
 */
export function cyberArkAuditSource(http: AuthenticatedHttp, opts: { readonly pageSize?: number } = {}): PollSource {
  const pageSize = opts.pageSize ?? 100;
  return async (cursor) => {
    let cursorRef = cursor;
    if (!cursorRef) {
      const q = await http.send({ method: 'POST', path: '/api/audits/stream/createQuery', body: { query: { pageSize } } });
      if (!q.ok) return q;
      if (q.value.status !== 200) return httpFailure('audit createQuery', q.value.status, q.value.headers['retry-after']);
      const ref = (q.value.body as { cursorRef?: unknown }).cursorRef;
      if (typeof ref !== 'string') return { ok: false, error: { failure: { kind: 'permanent', reason: 'createQuery gave no cursorRef' }, message: 'audit createQuery gave no cursorRef' } };
      cursorRef = ref;
    }
    const r = await http.send({ method: 'POST', path: '/api/audits/stream/results', body: { cursorRef } });
    if (!r.ok) return r;
    if (r.value.status !== 200) return httpFailure('audit results', r.value.status, r.value.headers['retry-after']);
    const body = r.value.body as { data?: unknown; paging?: { cursor?: { cursorRef?: unknown } } };
    const data = Array.isArray(body.data) ? body.data as { uuid?: unknown }[] : [];
    const next = body.paging?.cursor?.cursorRef;
    return {
      ok: true,
      value: {
        items: data.filter((e) => typeof e.uuid === 'string').map((e) => ({ dedupeKey: `id:${String(e.uuid)}`, body: JSON.stringify(e), contentType: 'application/json' })),
        nextCursor: typeof next === 'string' ? next : cursorRef,
        more: data.length >= pageSize,
      },
    };
  };
}
