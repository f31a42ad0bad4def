import type { CompiledProfile } from '../../../mappings/lib/compile-profile.ts';
import { dedupeKeyOf, parseDelivery } from '../../../mappings/lib/normalise.ts';
import type { ConnectorConfig } from '../../config/config-schema.ts';
import type { VerificationScheme } from '../verify/scheme.ts';
import type { DedupeRule } from './dedupe-key.ts';
import type { WebhookConnector } from './webhook-connector.ts';

/**
 * The webhook receiver of one configured connector (secrets already resolved), its details completed from the
 * vendor profile (HMAC algorithm, prefix and signed content; the dedupe rule). Undefined for connectors that do
 * not receive webhooks (syslog, poll, SCIM). A receiver whose secret is missing still comes back: the router
 * refuses to start with it, naming the connector.
 */
export function webhookConnectorFromConfig(c: ConnectorConfig, profile: CompiledProfile | undefined): WebhookConnector | undefined {
  const inbound = c.inbound;
  if (!inbound || c.enabled === false) return undefined;
  const secrets = inbound.secrets ?? (inbound.secret ? [inbound.secret] : []);
  const verify = profile?.doc.inbound?.verify;
  let scheme: VerificationScheme;
  switch (inbound.scheme) {
    case 'standard-webhooks':
      scheme = { kind: 'standard-webhooks', secrets, ...(inbound.toleranceSeconds ? { toleranceSeconds: inbound.toleranceSeconds } : {}) };
      break;
    case 'hmac': {
      const v = verify?.scheme === 'hmac' ? verify : undefined;
      const timestampHeader = v?.timestampHeader;
      const separator = v?.signed?.replace('{timestamp}', '').replace('{body}', '');
      scheme = {
        kind: 'vendor-hmac',
        header: inbound.header ?? v?.header ?? 'x-signature',
        algorithm: v?.algorithm ?? 'sha256',
        encoding: inbound.encoding ?? v?.encoding ?? 'hex',
        ...(v?.prefix ? { prefix: v.prefix } : {}),
        signed: timestampHeader && v?.signed?.includes('{timestamp}')
          ? { kind: 'timestamp-body', timestampHeader, separator: separator ?? '.', toleranceSeconds: inbound.toleranceSeconds ?? v?.toleranceSeconds }
          : { kind: 'body' },
        secrets,
      };
      break;
    }
    case 'header-secret':
      scheme = verify?.scheme === 'query-secret'
        ? { kind: 'shared-secret', in: 'query', name: verify.param, secrets }
        : verify?.scheme === 'bearer'
          ? { kind: 'bearer', tokens: secrets }
          : { kind: 'shared-secret', in: 'header', name: inbound.header ?? (verify?.scheme === 'header-secret' ? verify.header : 'x-webhook-secret'), secrets };
      break;
    case 'okta-verification':
      scheme = { kind: 'shared-secret', in: 'header', name: inbound.header ?? (verify?.scheme === 'okta-verification' ? verify.header : 'authorization'), secrets };
      break;
    case 'basic':
      scheme = { kind: 'basic', credentials: inbound.username && inbound.password ? [{ username: inbound.username, password: inbound.password }] : [] };
      break;
    default:
      return undefined;
  }
  return {
    id: c.id,
    vendor: c.vendor,
    scheme,
    ...(profile ? { dedupe: profileDedupe(c.id, profile) } : {}),
    ...(c.vendor === 'beyondtrust' ? { alwaysOk: true } : {}),
    ...(inbound.scheme === 'okta-verification' ? { oktaChallenge: true } : {}),
  };
}

/** The profile's dedupe rule: a header directly, an id or hash expression through the mapping library. */
function profileDedupe(connectorId: string, profile: CompiledProfile): DedupeRule | undefined {
  const d = profile.inbound?.dedupe;
  if (!d) return undefined;
  if (d.kind === 'header') return { kind: 'header', name: d.header };
  const key = async (rawBody: Buffer, headers: Readonly<Record<string, string | string[] | undefined>>): Promise<string | undefined> => {
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
    const parsed = parseDelivery(profile, { connectorId, body: rawBody.toString('utf8'), headers: flat, channel: 'webhook' });
    if (!parsed.ok) return undefined;
    const r = await dedupeKeyOf(profile, parsed.value);
    return r.ok ? (r.value.startsWith('sha256:') ? r.value : `id:${r.value}`) : undefined;
  };
  return { kind: 'compute', key: (input) => key(input.rawBody, input.headers) };
}
