/**
 * The schema of the configuration file (`lockstep.json`): connectors, settings and console preferences.
 * Validated once at the edge (load, reload, write); everything else works on the typed result.
 * Secrets may be written literally or as `env:NAME` (resolved by `secrets.ts`, never written back resolved).
 */
import { z } from 'zod';

export const CONNECTOR_KINDS = ['iga', 'pam'] as const;

export const VENDORS = [
  'cyberark', 'beyondtrust', 'delinea', 'hashicorp-vault', 'teleport', 'strongdm', 'entra-pim',
  'standard-webhooks', 'sailpoint', 'okta', 'entra-id', 'saviynt', 'generic',
] as const;

export const INBOUND_SCHEMES = [
  'standard-webhooks', 'hmac', 'header-secret', 'basic', 'okta-verification', 'syslog', 'poll', 'none-scim',
] as const;

/** Schemes received at `/webhooks/<connector id>`. */
export const WEBHOOK_SCHEMES: ReadonlySet<string> = new Set(['standard-webhooks', 'hmac', 'header-secret', 'basic', 'okta-verification']);

/** Schemes that verify a shared secret: a receiver without one refuses to start (fail closed). */
export const SECRET_SCHEMES: ReadonlySet<string> = new Set(['standard-webhooks', 'hmac', 'header-secret', 'okta-verification']);

export const OUTBOUND_AUTH_KINDS = ['cyberark-logon', 'oauth2-client-credentials', 'ps-auth', 'bearer', 'basic', 'strongdm-signature', 'none'] as const;

/** Inbound fields that configure the syslog listener (scheme `syslog` only). */
const SYSLOG_FIELDS = ['port', 'host', 'tlsCertFile', 'tlsKeyFile'] as const;

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const ENV_REF = /^env:[A-Za-z_][A-Za-z0-9_]*$/;
const BODY_LIMIT = /^\d+(?:b|kb|mb)$/i;

const slug = z.string().regex(SLUG, { error: 'a slug (lowercase letters, digits and inner dashes, at most 64)' });

/** A secret: a literal value, or `env:NAME` to read it from the environment at load time. */
const secret = z.string().min(1).refine((v) => !v.startsWith('env:') || ENV_REF.test(v), {
  error: 'a literal secret or env:NAME with NAME a valid environment variable name',
});

const absoluteUrl = z.url({ protocol: /^https?$/, error: 'an absolute http(s) URL' });

const inboundSchema = z.strictObject({
  scheme: z.enum(INBOUND_SCHEMES),
  secret: secret.optional(),
  /** Several secrets accepted at once during key rotation. */
  secrets: z.array(secret).min(1).optional(),
  /** Header carrying the signature or static secret (scheme-dependent default). */
  header: z.string().min(1).optional(),
  encoding: z.enum(['hex', 'base64']).optional(),
  toleranceSeconds: z.number().int().min(1).max(86_400).optional(),
  username: z.string().min(1).optional(),
  password: secret.optional(),
  /** Syslog listener port (scheme `syslog`; 0 picks a free port). */
  port: z.number().int().min(0).max(65_535).optional(),
  /** Syslog listen address (scheme `syslog`); default 127.0.0.1. */
  host: z.string().min(1).optional(),
  /** PEM certificate and key: the syslog listener speaks TLS (RFC 5425) instead of plain TCP. */
  tlsCertFile: z.string().min(1).optional(),
  tlsKeyFile: z.string().min(1).optional(),
}).superRefine((inbound, ctx) => {
  if (SECRET_SCHEMES.has(inbound.scheme) && inbound.secret === undefined && inbound.secrets === undefined) {
    ctx.addIssue({ code: 'custom', path: ['secret'], message: `required for scheme "${inbound.scheme}" (or secrets[])` });
  }
  if (inbound.scheme === 'basic') {
    if (inbound.username === undefined) ctx.addIssue({ code: 'custom', path: ['username'], message: 'required for scheme "basic"' });
    if (inbound.password === undefined) ctx.addIssue({ code: 'custom', path: ['password'], message: 'required for scheme "basic"' });
  }
  if (inbound.scheme === 'syslog') {
    if (inbound.port === undefined) ctx.addIssue({ code: 'custom', path: ['port'], message: 'required for scheme "syslog" (0 picks a free port)' });
    if ((inbound.tlsCertFile === undefined) !== (inbound.tlsKeyFile === undefined)) {
      ctx.addIssue({ code: 'custom', path: [inbound.tlsCertFile === undefined ? 'tlsCertFile' : 'tlsKeyFile'], message: 'tlsCertFile and tlsKeyFile go together' });
    }
  } else {
    for (const field of SYSLOG_FIELDS) {
      if (inbound[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'only for scheme "syslog"' });
    }
  }
});

const outboundAuthSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('cyberark-logon'),
    username: z.string().min(1),
    password: secret,
    method: z.enum(['cyberark', 'ldap', 'radius', 'windows']).default('cyberark'),
  }),
  z.strictObject({
    kind: z.literal('oauth2-client-credentials'),
    tokenUrl: absoluteUrl,
    clientId: z.string().min(1),
    clientSecret: secret,
    scope: z.string().min(1).optional(),
    audience: z.string().min(1).optional(),
  }),
  z.strictObject({
    kind: z.literal('ps-auth'),
    key: secret,
    runAs: z.string().min(1),
    password: secret.optional(),
  }),
  z.strictObject({ kind: z.literal('bearer'), token: secret }),
  z.strictObject({ kind: z.literal('basic'), username: z.string().min(1), password: secret }),
  /** StrongDM API keys: every request signed with the secret. */
  z.strictObject({ kind: z.literal('strongdm-signature'), accessKey: z.string().min(1), secret }),
  z.strictObject({ kind: z.literal('none') }),
]);

const outboundSchema = z.strictObject({
  baseUrl: absoluteUrl,
  auth: outboundAuthSchema,
  timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
  concurrency: z.number().int().min(1).max(64).default(4),
});

const connectorSchema = z.strictObject({
  id: slug,
  kind: z.enum(CONNECTOR_KINDS),
  vendor: z.enum(VENDORS),
  /** Vendor profile name in `settings.profilesDir`; defaults to the vendor. */
  profile: slug.optional(),
  displayName: z.string().min(1).optional(),
  enabled: z.boolean().default(true),
  inbound: inboundSchema.optional(),
  outbound: outboundSchema.optional(),
  poll: z.strictObject({ intervalSeconds: z.number().int().min(1).max(86_400).default(60) }).optional(),
}).superRefine((connector, ctx) => {
  if (connector.inbound?.scheme === 'poll' && connector.outbound === undefined) {
    ctx.addIssue({ code: 'custom', path: ['outbound'], message: 'required when inbound.scheme is "poll" (the poller calls the vendor API)' });
  }
}).transform((connector) => ({ ...connector, profile: connector.profile ?? connector.vendor }));

const settingsSchema = z.strictObject({
  /** How long deleted identities and entitlements stay readable as tombstones. */
  tombstoneRetentionDays: z.number().int().min(0).max(3650).default(30),
  /** How long handled inbox rows (processed, unrecognised, failed) are kept before the retention purge deletes them. */
  inboxRetentionDays: z.number().int().min(1).max(3650).default(30),
  /** How long delivered (and superseded) outbox messages are kept; dead letters and undelivered ones are never purged. */
  outboxRetentionDays: z.number().int().min(1).max(3650).default(30),
  /** Entitlement mappings directory, relative to the working directory. */
  mappingsDir: z.string().min(1).default('./mappings/examples'),
  /** Vendor profiles directory, relative to the working directory. */
  profilesDir: z.string().min(1).default('./mappings/profiles'),
  /** SHA-256 (hex) of the admin token; written on first start, never the token itself. */
  adminTokenHash: z.string().regex(/^[0-9a-f]{64}$/, { error: 'a SHA-256 hex digest (64 lowercase hex characters)' }).optional(),
  /** Largest request body accepted by SCIM, webhook and admin routes (`512kb`, `1mb`). */
  bodyLimit: z.string().regex(BODY_LIMIT, { error: 'a size such as "512kb" or "1mb"' }).default('1mb'),
  /** Inbound requests per second allowed per connector (0 turns the limit off). */
  rateLimitPerConnector: z.number().int().min(0).max(100_000).default(1000),
  /** Requests served at once; beyond it the gateway answers 503 with Retry-After instead of falling over. */
  maxInFlight: z.number().int().min(1).max(100_000).default(512),
  /** How long shutdown waits for in-flight requests before cutting connections. */
  shutdownGraceMs: z.number().int().min(0).max(120_000).default(10_000),
  /** The URL clients reach this gateway at, when it differs from the listen address (proxy, TLS terminator). */
  publicUrl: absoluteUrl.optional(),
});

/** Console preferences: owned by the console, kept loose so it can add its own without a schema change here. */
const consoleSchema = z.looseObject({
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  pageSize: z.number().int().min(5).max(500).default(50),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1).default(1),
  connectors: z.array(connectorSchema).default([]),
  settings: settingsSchema.prefault({}),
  console: consoleSchema.prefault({}),
}).superRefine((config, ctx) => {
  const seen = new Set<string>();
  config.connectors.forEach((connector, i) => {
    if (seen.has(connector.id)) ctx.addIssue({ code: 'custom', path: ['connectors', i, 'id'], message: `duplicate connector id "${connector.id}"` });
    seen.add(connector.id);
  });
});

/** The validated configuration, defaults applied. */
export type LockstepConfig = z.output<typeof configSchema>;
/** The document as written in the file (defaults may be absent). */
export type ConfigDocument = z.input<typeof configSchema>;
export type ConnectorConfig = LockstepConfig['connectors'][number];
export type InboundConfig = NonNullable<ConnectorConfig['inbound']>;
export type OutboundConfig = NonNullable<ConnectorConfig['outbound']>;
export type OutboundAuthConfig = OutboundConfig['auth'];
export type Settings = LockstepConfig['settings'];
export type ConsolePreferences = LockstepConfig['console'];

/** What a missing file is created with: every default written out, so the file documents itself. */
export function defaultConfigDocument(): ConfigDocument {
  return configSchema.parse({});
}
