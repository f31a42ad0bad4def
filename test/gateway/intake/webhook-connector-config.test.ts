import { describe, expect, it } from 'vitest';
import type { ConnectorConfig } from '../../../gateway/config/config-schema.ts';
import { webhookConnectorFromConfig } from '../../../gateway/intake/webhook/webhook-connector-config.ts';
import { assertWebhookConnectors } from '../../../gateway/intake/webhook/webhook-connector.ts';
import { builtinProfile } from '../connectors/profiles.ts';

const connector = (c: Partial<ConnectorConfig> & Pick<ConnectorConfig, 'id' | 'vendor' | 'inbound'>): ConnectorConfig =>
  ({ kind: 'pam', profile: c.vendor, enabled: true, ...c }) as ConnectorConfig;

describe('webhook receivers from configuration', () => {
  it('completes schemes from the vendor profile', async () => {
    const pra = webhookConnectorFromConfig(connector({ id: 'pra', vendor: 'beyondtrust', inbound: { scheme: 'header-secret', secret: 's' } }), await builtinProfile('beyondtrust'));
    expect(pra).toMatchObject({ scheme: { kind: 'shared-secret', in: 'query', name: 'key', secrets: ['s'] }, alwaysOk: true });
    const delinea = webhookConnectorFromConfig(connector({ id: 'd', vendor: 'delinea', inbound: { scheme: 'header-secret', secret: 's' } }), await builtinProfile('delinea'));
    expect(delinea?.scheme).toEqual({ kind: 'shared-secret', in: 'header', name: 'x-lockstep-secret', secrets: ['s'] });
    const okta = webhookConnectorFromConfig(connector({ id: 'o', vendor: 'okta', inbound: { scheme: 'okta-verification', secret: 's' } }), await builtinProfile('okta-event-hooks'));
    expect(okta).toMatchObject({ scheme: { kind: 'shared-secret', in: 'header', name: 'authorization' }, oktaChallenge: true });
    const sw = webhookConnectorFromConfig(connector({ id: 'sw', vendor: 'standard-webhooks', inbound: { scheme: 'standard-webhooks', secrets: ['whsec_a', 'whsec_b'], toleranceSeconds: 60 } }), undefined);
    expect(sw?.scheme).toEqual({ kind: 'standard-webhooks', secrets: ['whsec_a', 'whsec_b'], toleranceSeconds: 60 });
  });

  it('gives no receiver for syslog, poll and SCIM connectors, and a secretless one fails startup', () => {
    expect(webhookConnectorFromConfig(connector({ id: 'v', vendor: 'cyberark', inbound: { scheme: 'syslog' } }), undefined)).toBeUndefined();
    expect(webhookConnectorFromConfig(connector({ id: 'p', vendor: 'strongdm', inbound: { scheme: 'poll' } }), undefined)).toBeUndefined();
    const open = webhookConnectorFromConfig(connector({ id: 'open', vendor: 'generic', inbound: { scheme: 'header-secret', header: 'x-s' } }), undefined);
    expect(() => assertWebhookConnectors([open!])).toThrow('connector open: webhook receiver refuses to start: shared-secret needs at least one secret');
  });
});
