import type { CompiledProfile } from '../../../mappings/lib/compile-profile.ts';
import { dedupeKeyOf, parseDelivery } from '../../../mappings/lib/normalise.ts';
import type { AuthenticatedHttp } from '../../connectors/authenticated-http.ts';
import { contentHash } from '../webhook/dedupe-key.ts';
import type { PollSource } from '../poller.ts';

/**
 * A poll source read from the vendor profile's `inbound.poll`: the request template gets `$input.cursor`, `items`
 * selects the page's items and `cursor` the next cursor. Each item is deduplicated with the profile's rule.
 * Undefined when the profile has no poll section.
 */
export function profilePollSource(connectorId: string, profile: CompiledProfile, http: AuthenticatedHttp, params: Readonly<Record<string, unknown>> = {}): PollSource | undefined {
  const poll = profile.inbound?.poll;
  if (!poll) return undefined;
  const allParams = { ...profile.params, ...params };
  return async (cursor) => {
    const input = { cursor };
    const b = { input, params: allParams };
    const path = await poll.request.path.evaluate(input, b);
    if (typeof path !== 'string') return { ok: false, error: { failure: { kind: 'permanent', reason: 'poll path has no value' }, message: `profile ${profile.name}: poll path has a placeholder with no value` } };
    const query: Record<string, string> = {};
    for (const [k, t] of poll.request.query) {
      const v = await t.evaluate(input, b);
      if (v !== undefined && v !== null && v !== '') query[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    const res = await http.send({ method: poll.request.doc.method, path, query });
    if (!res.ok) return res;
    if (res.value.status < 200 || res.value.status >= 300) {
      const ra = res.value.headers['retry-after'];
      return { ok: false, error: { failure: { kind: 'http', status: res.value.status, retryAfter: Array.isArray(ra) ? ra[0] : ra }, message: `poll ${path} answered HTTP ${res.value.status}` } };
    }
    const list = await poll.items.evaluate(res.value.body, { params: allParams });
    const next = await poll.cursor.evaluate(res.value.body, { params: allParams });
    const rows = list === undefined ? [] : Array.isArray(list) ? list : [list];
    const items = [];
    for (const row of rows) {
      const body = JSON.stringify(row);
      const parsed = parseDelivery(profile, { connectorId, body, contentType: 'application/json', channel: 'poll' });
      const key = parsed.ok ? await dedupeKeyOf(profile, parsed.value) : undefined;
      items.push({ dedupeKey: key?.ok ? `id:${key.value}` : `sha256:${contentHash([body])}`, body, contentType: 'application/json' });
    }
    const nextCursor = next === undefined || next === null || next === '' ? undefined : String(next);
    return { ok: true, value: { items, nextCursor: nextCursor ?? cursor, more: nextCursor !== undefined && nextCursor !== cursor && rows.length > 0 } };
  };
}
