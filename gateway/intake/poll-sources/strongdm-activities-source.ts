import type { AuthenticatedHttp } from '../../connectors/authenticated-http.ts';
import type { PollSource } from '../poller.ts';

/**
 * StrongDM activities (no webhooks): `GET /v1/activities?cursor=&limit=` → `{activities, nextCursor, hasMore}`.
 * The cursor stays valid for resumption; each activity's `id` is its dedupe key.
 */
export function strongDmActivitiesSource(http: AuthenticatedHttp, opts: { readonly pageSize?: number } = {}): PollSource {
  const limit = opts.pageSize ?? 100;
  return async (cursor) => {
    const r = await http.send({ method: 'GET', path: '/v1/activities', query: { limit, ...(cursor ? { cursor } : {}) } });
    if (!r.ok) return r;
    if (r.value.status !== 200) {
      const ra = r.value.headers['retry-after'];
      return { ok: false, error: { failure: { kind: 'http', status: r.value.status, retryAfter: Array.isArray(ra) ? ra[0] : ra }, message: `activities answered HTTP ${r.value.status}` } };
    }
    const body = r.value.body as { activities?: unknown; nextCursor?: unknown; hasMore?: unknown };
    const list = Array.isArray(body.activities) ? (body.activities as { id?: unknown }[]) : [];
    return {
      ok: true,
      value: {
        items: list.filter((a) => typeof a.id === 'string').map((a) => ({ dedupeKey: `id:${String(a.id)}`, body: JSON.stringify(a), contentType: 'application/json' })),
        nextCursor: typeof body.nextCursor === 'string' ? body.nextCursor : cursor,
        more: body.hasMore === true,
      },
    };
  };
}
