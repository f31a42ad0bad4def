/**
 * For vendors that do not push (StrongDM activities, Entra schedule requests, Teleport audit): the request for
 * the next page from a durable cursor, and the items and next cursor read from a page. Each item is then
 * normalised as one delivery (`channel: 'poll'`, body = the item as JSON).
 */
import type { CompiledProfile } from './compile-profile.ts';
import { andThen } from './maybe.ts';
import type { PlannedRequest } from './outbound-plan.ts';
import { err, ok, type Result } from './result.ts';

export async function planPoll(profile: CompiledProfile, cursor: string | undefined, params?: Readonly<Record<string, unknown>>): Promise<Result<PlannedRequest, string>> {
  const poll = profile.inbound?.poll;
  if (!poll) return err(`profile "${profile.name}" is not polled`);
  const input = { cursor };
  const b = { input, params: { ...profile.params, ...params } };
  const path = await poll.request.path.evaluate(input, b);
  if (typeof path !== 'string') return err('poll path has a placeholder with no value');
  const query: Record<string, string> = {};
  for (const [k, t] of poll.request.query) {
    const v = await t.evaluate(input, b);
    if (v !== undefined && v !== null && v !== '') query[k] = String(v);
  }
  return ok({ method: poll.request.doc.method, path, query, headers: {} });
}

export interface PollPage {
  readonly items: readonly unknown[];
  /** The cursor to store for the next poll; undefined when the page gives none (keep the old one). */
  readonly cursor?: string | undefined;
}

export async function readPollPage(profile: CompiledProfile, body: unknown): Promise<Result<PollPage, string>> {
  const poll = profile.inbound?.poll;
  if (!poll) return err(`profile "${profile.name}" is not polled`);
  try {
    const items = await poll.items.evaluate(body, {});
    const cursor = await andThen(poll.cursor.evaluate(body, {}), (c) => (c === undefined || c === null || c === '' ? undefined : String(c)));
    return ok({ items: items === undefined ? [] : Array.isArray(items) ? items : [items], cursor });
  } catch (e) {
    return err(`poll page: ${(e as Error).message}`);
  }
}
