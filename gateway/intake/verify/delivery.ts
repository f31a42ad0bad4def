import type { Clock } from '../../domain/clock.ts';

/** What a verifier sees of an HTTP delivery: lower-cased headers and the raw body exactly as received. */
export interface Delivery {
  readonly method: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly rawBody: Buffer;
}

export interface VerifyContext {
  readonly clock: Clock;
}

export const VERIFY_FAILURES = [
  'missing-credentials',
  'malformed-credentials',
  'bad-signature',
  'bad-credentials',
  'timestamp-out-of-tolerance',
] as const;
export type VerifyFailureCode = (typeof VERIFY_FAILURES)[number];

export interface VerifyFailure {
  readonly code: VerifyFailureCode;
  readonly detail: string;
}

export function header(delivery: Delivery, name: string): string | undefined {
  const value = delivery.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function fail(code: VerifyFailureCode, detail: string): { ok: false; error: VerifyFailure } {
  return { ok: false, error: { code, detail } };
}
