/**
 * The demo's configuration file: two IGA connectors pushing over SCIM (SailPoint for CyberArk safes, Okta for
 * Teleport roles, as the example mappings expect) that are also told about PAM-side changes, and two PAM
 * connectors (CyberArk: Vault audit over syslog in, PVWA REST out; Teleport: access-request webhooks in,
 * approve/deny/lock out), plus a PAM alert feed posting canonical events signed the Standard Webhooks way
 * (a compromised credential). Secrets are `env:NAME` references: the file on disk holds none.
 */
import path from 'node:path';
import type { ConfigDocument } from '../../gateway/config/config-schema.ts';
import type { DemoFakes, DemoSecrets } from './demo-fakes.ts';

/** Connector ids; `cyberark-prod`, `okta` and `teleport` are the ids `mappings/examples/` refers to. */
export const DEMO_CONNECTORS = { sailpoint: 'sailpoint', okta: 'okta', cyberark: 'cyberark-prod', teleport: 'teleport', alerts: 'pam-alerts' } as const;

/** Environment variables the configuration's `env:NAME` references read. */
export function demoSecretEnv(secrets: DemoSecrets): Record<string, string> {
  return {
    DEMO_CYBERARK_PASSWORD: secrets.cyberarkPassword,
    DEMO_TELEPORT_API_TOKEN: secrets.teleportApiToken,
    DEMO_TELEPORT_HOOK_PASSWORD: secrets.teleportHookPassword,
    DEMO_IGA_TOKEN: secrets.igaToken,
    DEMO_SAILPOINT_CLIENT_SECRET: secrets.sailpointClientSecret,
    DEMO_PAM_ALERTS_SECRET: secrets.pamAlertsSecret,
  };
}

export function demoConfig(fakes: Pick<DemoFakes, 'cyberark' | 'teleport' | 'iga'>, secrets: DemoSecrets, repoRoot: string): ConfigDocument {
  return {
    version: 1,
    connectors: [
      {
        id: DEMO_CONNECTORS.sailpoint, kind: 'iga', vendor: 'sailpoint', displayName: 'SailPoint (demo)',
        inbound: { scheme: 'none-scim' },
        outbound: {
          baseUrl: fakes.iga.url,
          auth: { kind: 'oauth2-client-credentials', tokenUrl: `${fakes.iga.url}/oauth/token`, clientId: secrets.sailpointClientId, clientSecret: 'env:DEMO_SAILPOINT_CLIENT_SECRET' },
          timeoutMs: 5_000,
        },
      },
      {
        id: DEMO_CONNECTORS.okta, kind: 'iga', vendor: 'okta', profile: 'iga-webhook', displayName: 'Okta (demo)',
        inbound: { scheme: 'none-scim' },
        outbound: { baseUrl: fakes.iga.url, auth: { kind: 'bearer', token: 'env:DEMO_IGA_TOKEN' }, timeoutMs: 5_000 },
      },
      {
        id: DEMO_CONNECTORS.cyberark, kind: 'pam', vendor: 'cyberark', displayName: 'CyberArk PVWA (demo fake)',
        inbound: { scheme: 'syslog', port: 0 },
        outbound: {
          baseUrl: fakes.cyberark.url,
          auth: { kind: 'cyberark-logon', username: secrets.cyberarkUser, password: 'env:DEMO_CYBERARK_PASSWORD' },
          timeoutMs: 5_000,
        },
      },
      {
        id: DEMO_CONNECTORS.teleport, kind: 'pam', vendor: 'teleport', displayName: 'Teleport (demo fake)',
        inbound: { scheme: 'basic', username: secrets.teleportHookUser, password: 'env:DEMO_TELEPORT_HOOK_PASSWORD' },
        outbound: { baseUrl: fakes.teleport.url, auth: { kind: 'bearer', token: 'env:DEMO_TELEPORT_API_TOKEN' }, timeoutMs: 5_000 },
      },
      {
        id: DEMO_CONNECTORS.alerts, kind: 'pam', vendor: 'standard-webhooks', displayName: 'PAM alert feed (Standard Webhooks)',
        inbound: { scheme: 'standard-webhooks', secret: 'env:DEMO_PAM_ALERTS_SECRET' },
      },
    ],
    settings: {
      mappingsDir: path.join(repoRoot, 'mappings', 'examples'),
      profilesDir: path.join(repoRoot, 'mappings', 'profiles'),
      shutdownGraceMs: 2_000,
    },
  };
}
