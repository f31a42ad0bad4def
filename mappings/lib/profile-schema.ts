/** The VendorProfile file: how one product's events are read and how its API is called. */
import { z } from 'zod';
import { CANONICAL_EVENT_TYPES, TARGET_KINDS } from './canonical-event.ts';
import { apiVersion, expression, httpStatus, scalar, slug, template } from './common-schema.ts';

const tolerance = z.number().int().positive().optional().describe('Replay window in seconds');

/** Verification schemes the gateway implements; the profile only names one and its parameters. */
export const verifySchema = z.discriminatedUnion('scheme', [
  z.strictObject({ scheme: z.literal('standard-webhooks'), toleranceSeconds: tolerance }),
  z.strictObject({
    scheme: z.literal('hmac'),
    algorithm: z.enum(['sha1', 'sha256', 'sha512']),
    encoding: z.enum(['hex', 'base64']),
    header: z.string().min(1),
    prefix: z.string().optional().describe('Text before the signature in the header, e.g. "sha256="'),
    signed: z.string().optional().describe('What is signed: "{body}" (default) or e.g. "{timestamp}.{body}"'),
    timestampHeader: z.string().optional(),
    toleranceSeconds: tolerance,
  }),
  z.strictObject({ scheme: z.literal('header-secret'), header: z.string().min(1) }),
  z.strictObject({ scheme: z.literal('query-secret'), param: z.string().min(1) }),
  z.strictObject({ scheme: z.literal('basic') }),
  z.strictObject({ scheme: z.literal('bearer') }),
  z.strictObject({ scheme: z.literal('okta-verification'), header: z.string().min(1) }),
  z.strictObject({ scheme: z.literal('syslog'), transport: z.enum(['tls', 'tcp', 'udp']).optional() }),
  z.strictObject({ scheme: z.literal('poll') }),
]);

export const dedupeSchema = z.union([
  z.strictObject({ header: z.string().min(1).describe('Header carrying the event id') }),
  z.strictObject({ id: expression.describe('Expression giving the event id') }),
  z.strictObject({ hash: z.array(expression).min(1).describe('Expressions whose values are hashed (SHA-256) into the key') }),
]);

export const emitSchema = z.strictObject({
  type: z.enum(CANONICAL_EVENT_TYPES),
  occurredAt: expression,
  principal: expression.optional(),
  target: z.strictObject({
    kind: z.union([z.enum(TARGET_KINDS), expression]).describe('A target kind, or an expression giving one'),
    ref: expression,
  }).optional(),
  externalId: expression.optional(),
  durationMinutes: expression.optional(),
  attributes: z.record(z.string(), expression).optional(),
});

export const ruleSchema = z.strictObject({
  name: slug,
  description: z.string().optional(),
  when: expression.describe('Predicate over the parsed body (or the forEach item)'),
  emit: z.array(emitSchema).describe('Canonical events; an empty list records the event as deliberately ignored'),
});

export const pollSchema = z.strictObject({
  method: z.enum(['GET', 'POST']),
  path: template,
  query: z.record(z.string(), template).optional(),
  intervalSeconds: z.number().int().positive(),
  items: expression.describe('Items of one page, each normalised as one delivery'),
  cursor: expression.describe('Next cursor from the page; absent when caught up'),
});

export const inboundSchema = z.strictObject({
  format: z.enum(['json', 'form', 'syslog-json']),
  verify: verifySchema,
  dedupe: dedupeSchema,
  forEach: expression.optional().describe('Splits one delivery into items (e.g. Okta data.events)'),
  poll: pollSchema.optional(),
  rules: z.array(ruleSchema).min(1),
});

export const requestSchema = z.strictObject({
  when: expression.optional().describe('In a list of variants: use this one when true for the input (first match wins)'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  path: template,
  query: z.record(z.string(), template).optional(),
  headers: z.record(z.string(), template).optional(),
  json: z.unknown().optional().describe('JSON body template'),
  form: z.record(z.string(), template).optional().describe('Form-encoded body template'),
  success: z.array(httpStatus).optional().describe('Statuses that mean done (default: any 2xx)'),
  alreadyDone: z.array(z.strictObject({ status: httpStatus, when: expression.optional() })).optional()
    .describe('Responses that mean the change was already in place ("already exists", "not found" on revoke)'),
  extract: z.record(z.string(), expression).optional().describe('Values read from the response body'),
  paging: z.strictObject({
    items: expression,
    next: expression.optional().describe('Next cursor or offset; absent on the last page'),
    item: z.strictObject({
      principal: expression,
      kind: z.enum(TARGET_KINDS),
      ref: expression,
      permissions: expression.optional(),
      externalId: expression.optional(),
    }),
  }).optional(),
});

/**
 * `update-permissions` (optional): set a principal's permissions on a target it already holds to exactly the given list.
 * `check-health` (optional): a cheap authenticated call the connector's health check makes (else a one-item inventory page).
 */
export const OUTBOUND_ACTIONS = ['grant', 'revoke', 'read-back', 'list-inventory', 'approve-elevation', 'deny-elevation', 'end-elevation', 'notify-iga', 'update-permissions', 'check-health'] as const;
export type OutboundAction = (typeof OUTBOUND_ACTIONS)[number];

export const actionSchema = z.union([requestSchema, z.array(requestSchema).min(1)]);

export const authSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('cyberark-logon'), path: z.string(), logoffPath: z.string().optional() }),
  z.strictObject({ kind: z.literal('oauth2-client-credentials'), tokenPath: z.string(), scope: z.string().optional() }),
  z.strictObject({ kind: z.literal('ps-auth'), signInPath: z.string(), signOutPath: z.string().optional() }),
  z.strictObject({ kind: z.literal('bearer') }),
  z.strictObject({ kind: z.literal('basic') }),
  z.strictObject({ kind: z.literal('strongdm-signature') }),
]);

export const profileSchema = z.strictObject({
  apiVersion,
  kind: z.literal('VendorProfile'),
  name: slug,
  title: z.string(),
  side: z.enum(['pam', 'iga']),
  sources: z.array(z.string()).optional().describe('Where the shapes come from (documentation pages)'),
  params: z.record(z.string(), scalar).optional().describe('Connector parameters with defaults, bound as $params'),
  inbound: inboundSchema.optional(),
  outbound: z.strictObject({
    auth: authSchema,
    actions: z.strictObject(Object.fromEntries(OUTBOUND_ACTIONS.map((a) => [a, actionSchema.optional()])) as Record<OutboundAction, z.ZodOptional<typeof actionSchema>>),
  }).optional(),
});

export type VendorProfileDoc = z.infer<typeof profileSchema>;
export type RequestDoc = z.infer<typeof requestSchema>;
export type RuleDoc = z.infer<typeof ruleSchema>;
export type EmitDoc = z.infer<typeof emitSchema>;
