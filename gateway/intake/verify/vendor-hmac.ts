import { createHmac } from 'node:crypto';
import type { Result } from '../../domain/result.ts';
import { digestsEqual } from './constant-time.ts';
import { type Delivery, type VerifyContext, type VerifyFailure, fail, header } from './delivery.ts';
import { DEFAULT_TOLERANCE_SECONDS } from './standard-webhooks.ts';

/** A vendor's own HMAC header (`X-Signature: sha256=<hex>` and the like). */
export interface VendorHmacScheme {
  readonly kind: 'vendor-hmac';
  readonly header: string;
  readonly algorithm?: 'sha256' | 'sha512' | 'sha1';
  readonly encoding?: 'hex' | 'base64';
  /** Stripped from the header value before decoding, e.g. `sha256=`. */
  readonly prefix?: string;
  /** What is signed: the raw body, or `{timestamp}{separator}{body}` with the timestamp from a header. */
  readonly signed?: { readonly kind: 'body' } | { readonly kind: 'timestamp-body'; readonly timestampHeader: string; readonly separator?: string; readonly toleranceSeconds?: number };
  readonly secrets: readonly string[];
}

function signedParts(scheme: VendorHmacScheme, delivery: Delivery, ctx: VerifyContext): Result<(string | Buffer)[], VerifyFailure> {
  const signed = scheme.signed ?? { kind: 'body' };
  if (signed.kind === 'body') return { ok: true, value: [delivery.rawBody] };
  const ts = header(delivery, signed.timestampHeader);
  if (!ts) return fail('missing-credentials', `${signed.timestampHeader} is required`);
  if (!/^\d{1,13}$/.test(ts)) return fail('malformed-credentials', `${signed.timestampHeader} is not a unix time`);
  const seconds = ts.length > 11 ? Number(ts) / 1000 : Number(ts);
  const tolerance = signed.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(ctx.clock.now() / 1000 - seconds) > tolerance) {
    return fail('timestamp-out-of-tolerance', `${signed.timestampHeader} differs from now by more than ${tolerance}s`);
  }
  return { ok: true, value: [`${ts}${signed.separator ?? '.'}`, delivery.rawBody] };
}

export function signVendorHmac(scheme: VendorHmacScheme, secret: string, parts: readonly (string | Buffer)[]): string {
  const mac = createHmac(scheme.algorithm ?? 'sha256', secret);
  for (const p of parts) mac.update(p);
  return `${scheme.prefix ?? ''}${mac.digest(scheme.encoding ?? 'hex')}`;
}

export function verifyVendorHmac(scheme: VendorHmacScheme, delivery: Delivery, ctx: VerifyContext): Result<Record<string, never>, VerifyFailure> {
  const raw = header(delivery, scheme.header);
  if (!raw) return fail('missing-credentials', `${scheme.header} is required`);
  const prefix = scheme.prefix ?? '';
  if (!raw.startsWith(prefix)) return fail('malformed-credentials', `${scheme.header} must start with ${prefix}`);
  const encoding = scheme.encoding ?? 'hex';
  const text = raw.slice(prefix.length).trim();
  if (encoding === 'hex' ? !/^[0-9a-fA-F]+$/.test(text) : !/^[A-Za-z0-9+/_-]+=*$/.test(text)) {
    return fail('malformed-credentials', `${scheme.header} is not ${encoding}`);
  }
  const given = Buffer.from(text, encoding);
  const parts = signedParts(scheme, delivery, ctx);
  if (!parts.ok) return parts;
  let match = false;
  for (const secret of scheme.secrets) {
    const mac = createHmac(scheme.algorithm ?? 'sha256', secret);
    for (const p of parts.value) mac.update(p);
    match = digestsEqual(given, mac.digest()) || match;
  }
  return match ? { ok: true, value: {} } : fail('bad-signature', 'no signature matches a configured secret');
}
