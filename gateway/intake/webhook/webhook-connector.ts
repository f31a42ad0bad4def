import type { ConnectorId } from '../../domain/ids.ts';
import { type VerificationScheme, assertSchemeConfigured } from '../verify/scheme.ts';
import type { DedupeRule } from './dedupe-key.ts';

/** What the webhook receiver needs to know about one PAM connector (built from configuration and its profile). */
export interface WebhookConnector {
  readonly id: ConnectorId;
  readonly vendor: string;
  readonly scheme: VerificationScheme;
  /** Default: the scheme's event id (Standard Webhooks), else a hash of the raw body. */
  readonly dedupe?: DedupeRule;
  /**
   * Answer 200 to every authenticated delivery once it is stored, even one we cannot parse (BeyondTrust PRA:
   * any other status re-queues the event and blocks every later one).
   */
  readonly alwaysOk?: boolean;
  /** Answer Okta's one-time verification challenge (needs a `shared-secret` header scheme). */
  readonly oktaChallenge?: boolean;
}

/** Startup validation of every receiver: throws one line naming the connector and what is missing. */
export function assertWebhookConnectors(connectors: Iterable<WebhookConnector>): void {
  for (const c of connectors) {
    assertSchemeConfigured(c.id, c.scheme);
    if (c.oktaChallenge && !(c.scheme.kind === 'shared-secret' && c.scheme.in === 'header')) {
      throw new Error(`connector ${c.id}: webhook receiver refuses to start: the Okta challenge needs a shared-secret header scheme`);
    }
  }
}
