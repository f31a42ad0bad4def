import type { Result } from '../../domain/result.ts';
import { type BasicAuthScheme, verifyBasicAuth } from './basic-auth.ts';
import type { Delivery, VerifyContext, VerifyFailure } from './delivery.ts';
import { type BearerScheme, type SharedSecretScheme, verifyBearer, verifySharedSecret } from './shared-secret.ts';
import { type StandardWebhooksScheme, verifyStandardWebhook } from './standard-webhooks.ts';
import { type VendorHmacScheme, verifyVendorHmac } from './vendor-hmac.ts';

/** How one connector's deliveries are authenticated. There is deliberately no "none". */
export type VerificationScheme = StandardWebhooksScheme | VendorHmacScheme | SharedSecretScheme | BasicAuthScheme | BearerScheme;

export interface Verified {
  /** The event id the scheme itself carries (Standard Webhooks `webhook-id`), when it does. */
  readonly eventId?: string;
}

export function verifyDelivery(scheme: VerificationScheme, delivery: Delivery, ctx: VerifyContext): Result<Verified, VerifyFailure> {
  switch (scheme.kind) {
    case 'standard-webhooks': return verifyStandardWebhook(scheme, delivery, ctx);
    case 'vendor-hmac': return verifyVendorHmac(scheme, delivery, ctx);
    case 'shared-secret': return verifySharedSecret(scheme, delivery);
    case 'basic': return verifyBasicAuth(scheme, delivery);
    case 'bearer': return verifyBearer(scheme, delivery);
  }
}

/** Header names that carry credentials of this scheme: never stored with the inbox row nor logged. */
export function credentialHeaders(scheme: VerificationScheme): readonly string[] {
  const always = ['authorization', 'cookie', 'proxy-authorization'];
  return scheme.kind === 'shared-secret' && scheme.in === 'header' ? [...always, scheme.name.toLowerCase()] : always;
}

/**
 * Startup validation (fail closed, Standard Webhooks' rule): a receiver whose scheme has no usable secret refuses
 * to start. Throws one line the gateway prints as it exits.
 */
export function assertSchemeConfigured(connectorId: string, scheme: VerificationScheme | undefined): void {
  const refuse = (why: string): never => {
    throw new Error(`connector ${connectorId}: webhook receiver refuses to start: ${why}`);
  };
  if (!scheme) return refuse('no verification scheme configured (a receiver without a secret would accept forged events)');
  const nonEmpty = (xs: readonly string[] | undefined): boolean => !!xs && xs.length > 0 && xs.every((x) => typeof x === 'string' && x.length > 0);
  switch (scheme.kind) {
    case 'standard-webhooks':
      if (!nonEmpty(scheme.secrets)) refuse('standard-webhooks needs at least one whsec_ secret');
      for (const s of scheme.secrets) {
        const key = Buffer.from(s.replace(/^whsec_/, ''), 'base64');
        if (key.length < 16) refuse('a standard-webhooks secret decodes to fewer than 16 bytes');
      }
      if (scheme.toleranceSeconds !== undefined && !(scheme.toleranceSeconds > 0)) refuse('toleranceSeconds must be positive');
      return;
    case 'vendor-hmac':
      if (!scheme.header) refuse('vendor-hmac needs a header name');
      if (!nonEmpty(scheme.secrets)) refuse('vendor-hmac needs at least one secret');
      return;
    case 'shared-secret':
      if (!scheme.name) refuse(`shared-secret needs the ${scheme.in} name`);
      if (!nonEmpty(scheme.secrets)) refuse('shared-secret needs at least one secret');
      return;
    case 'basic':
      if (!scheme.credentials || scheme.credentials.length === 0 || scheme.credentials.some((c) => !c.username || !c.password)) {
        refuse('basic needs at least one username and non-empty password');
      }
      return;
    case 'bearer':
      if (!nonEmpty(scheme.tokens)) refuse('bearer needs at least one token');
      return;
    default:
      refuse(`unknown scheme kind ${(scheme as { kind?: unknown }).kind as string}`);
  }
}
