import { type Delivery, header } from './delivery.ts';
import type { SharedSecretScheme } from './shared-secret.ts';
import { verifySharedSecret } from './shared-secret.ts';

export const OKTA_CHALLENGE_HEADER = 'x-okta-verification-challenge';

/**
 * Okta's one-time event hook verification: a GET carrying `X-Okta-Verification-Challenge`, answered with
 * `{"verification": <value>}`. Answered only when the connector's static secret header matches as well, so that
 * nobody else can register our endpoint as theirs.
 */
export function answerOktaChallenge(scheme: SharedSecretScheme, delivery: Delivery): { verification: string } | undefined {
  if (delivery.method !== 'GET') return undefined;
  const challenge = header(delivery, OKTA_CHALLENGE_HEADER);
  if (!challenge || challenge.length > 512) return undefined;
  return verifySharedSecret(scheme, delivery).ok ? { verification: challenge } : undefined;
}
