/**
 * Standard Webhooks SENDER, written from the specification (not from the gateway's verifier, which it tests):
 * `webhook-signature` is `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), where the key is the
 * base64 part of a `whsec_...` secret; several signatures are space-separated during key rotation.
 */
import { createHmac } from 'node:crypto';

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/** One `v1,<base64>` signature, or several space-separated when given several secrets (rotation). */
export function signStandardWebhook(secret: string | readonly string[], id: string, timestamp: number, body: string): string {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  return secrets
    .map((s) => `v1,${createHmac('sha256', keyOf(s)).update(`${id}.${timestamp}.${body}`).digest('base64')}`)
    .join(' ');
}

/** A fresh `whsec_` secret from the given bytes (inject randomness in tests). */
export const standardWebhookSecret = (bytes: Buffer): string => `whsec_${bytes.toString('base64')}`;

export interface StandardWebhookSend {
  readonly secret: string | readonly string[];
  readonly id: string;
  /** Unix seconds; default now. */
  readonly timestamp?: number;
  /** Sent verbatim (already serialised); objects are JSON-serialised. */
  readonly body: string | object;
  /** Overrides, for forged / unsigned / tampered deliveries. */
  readonly signature?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

export function standardWebhookHeaders(s: StandardWebhookSend): { headers: Record<string, string>; body: string } {
  const body = typeof s.body === 'string' ? s.body : JSON.stringify(s.body);
  const timestamp = s.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'webhook-id': s.id,
    'webhook-timestamp': String(timestamp),
    ...(s.headers ?? {}),
  };
  const signature = s.signature === undefined ? signStandardWebhook(s.secret, s.id, timestamp, body) : s.signature;
  if (signature !== null) headers['webhook-signature'] = signature;
  return { headers, body };
}

/** Posts one signed delivery; returns the status and body text. */
export async function sendStandardWebhook(url: string, s: StandardWebhookSend): Promise<{ status: number; body: string }> {
  const { headers, body } = standardWebhookHeaders(s);
  const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(s.timeoutMs ?? 10_000) });
  return { status: res.status, body: await res.text() };
}
