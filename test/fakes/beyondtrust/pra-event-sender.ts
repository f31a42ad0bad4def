/**
 * A SENDER of BeyondTrust Privileged Remote Access "outbound events": form-encoded POSTs with no signature
 * (`event=support_conference_end&lsid=...`). PRA re-queues on any non-200 and holds back later events,
 * which is why the receiver must persist and answer 200 quickly.
 */

export type PraEventName =
  | 'support_conference_begin'
  | 'support_conference_end'
  | 'support_conference_member_added'
  | 'support_conference_member_departed'
  | 'support_conference_owner_changed';

export interface PraEvent {
  readonly event: PraEventName;
  /** The session's log id, PRA's session identifier. */
  readonly lsid: string;
  readonly [field: string]: string;
}

/** The form body PRA sends for one event; common fields get defaults. */
export function praEventBody(e: PraEvent, now: () => number = Date.now): string {
  const fields: Record<string, string> = {
    version: '1.0',
    timestamp: String(Math.floor(now() / 1000)),
    appliance_id: 'pra-appliance-fake',
    ...e,
  };
  return new URLSearchParams(fields).toString();
}

export interface PraSendOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** Posts one event; returns the receiver's status and body text. */
export async function sendPraEvent(url: string, e: PraEvent, opts: PraSendOptions = {}): Promise<{ status: number; body: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(opts.headers ?? {}) },
    body: praEventBody(e),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
  });
  return { status: res.status, body: await res.text() };
}
