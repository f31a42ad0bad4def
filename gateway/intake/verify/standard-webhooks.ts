import { createHmac } from 'node:crypto';
import type { Result } from '../../domain/result.ts';
import { digestsEqual } from './constant-time.ts';
import { type Delivery, type VerifyContext, type VerifyFailure, fail, header } from './delivery.ts';

/** Standard Webhooks (standardwebhooks.com): `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<b64> …`. */
export interface StandardWebhooksScheme {
  readonly kind: 'standard-webhooks';
  /** `whsec_<base64>` secrets; more than one during key rotation. */
  readonly secrets: readonly string[];
  /** Allowed clock difference in seconds, both directions. Default 300. */
  readonly toleranceSeconds?: number;
}

export const DEFAULT_TOLERANCE_SECONDS = 300;

export function decodeWebhookSecret(secret: string): Buffer {
  const b64 = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  return Buffer.from(b64, 'base64');
}

export function signStandardWebhook(secret: string, id: string, timestamp: number, body: Buffer | string): string {
  const mac = createHmac('sha256', decodeWebhookSecret(secret));
  mac.update(`${id}.${timestamp}.`);
  mac.update(body);
  return `v1,${mac.digest('base64')}`;
}

export function verifyStandardWebhook(scheme: StandardWebhooksScheme, delivery: Delivery, ctx: VerifyContext): Result<{ eventId: string }, VerifyFailure> {
  const id = header(delivery, 'webhook-id');
  const ts = header(delivery, 'webhook-timestamp');
  const sig = header(delivery, 'webhook-signature');
  if (!id || !ts || !sig) return fail('missing-credentials', 'webhook-id, webhook-timestamp and webhook-signature are required');
  if (!/^\d{1,12}$/.test(ts)) return fail('malformed-credentials', 'webhook-timestamp is not unix seconds');
  const tolerance = scheme.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const skew = Math.abs(ctx.clock.now() / 1000 - Number(ts));
  if (skew > tolerance) return fail('timestamp-out-of-tolerance', `webhook-timestamp differs from now by more than ${tolerance}s`);
  const given = sig.split(' ').flatMap((part) => {
    const [version, value] = part.split(',', 2);
    return version === 'v1' && value ? [Buffer.from(value, 'base64')] : [];
  });
  if (given.length === 0) return fail('malformed-credentials', 'no v1 signature in webhook-signature');
  for (const secret of scheme.secrets) {
    const mac = createHmac('sha256', decodeWebhookSecret(secret));
    mac.update(`${id}.${ts}.`);
    mac.update(delivery.rawBody);
    const expected = mac.digest();
    let match = false;
    for (const g of given) match = digestsEqual(g, expected) || match;
    if (match) return { ok: true, value: { eventId: id } };
  }
  return fail('bad-signature', 'no signature matches a configured secret');
}
