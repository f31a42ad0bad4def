/** Golden examples: input → expected output, run by `npm test` and `lockstep check`. */
import { z } from 'zod';
import { OUTBOUND_ACTIONS } from './profile-schema.ts';
import { apiVersion, slug } from './common-schema.ts';

const record = z.record(z.string(), z.unknown());

export const normaliseExampleSchema = z.strictObject({
  name: z.string().min(1),
  input: z.strictObject({
    connectorId: z.string().optional(),
    contentType: z.string().optional(),
    channel: z.enum(['webhook', 'syslog', 'poll']).optional(),
    receivedAt: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.string().optional().describe('Raw body'),
    json: z.unknown().optional().describe('Body as JSON (serialised before normalising)'),
    form: z.record(z.string(), z.string()).optional().describe('Body as form fields (encoded before normalising)'),
  }),
  expect: z.strictObject({
    status: z.enum(['recognised', 'ignored', 'unrecognised']),
    dedupeKey: z.string().optional(),
    rules: z.array(z.string()).optional(),
    events: z.array(record),
    reason: z.string().optional().describe('Text the first reason must contain'),
  }),
});

export const requestExampleSchema = z.strictObject({
  name: z.string().min(1),
  action: z.enum(OUTBOUND_ACTIONS),
  input: record,
  params: record.optional(),
  expect: z.strictObject({ request: record }),
});

export const responseExampleSchema = z.strictObject({
  name: z.string().min(1),
  action: z.enum(OUTBOUND_ACTIONS),
  response: z.strictObject({ status: z.number().int(), body: z.unknown().optional() }),
  input: record.optional(),
  expect: z.strictObject({ result: record }),
});

export const resolveExampleSchema = z.strictObject({
  name: z.string().min(1),
  operation: z.enum(['grant', 'revoke']).optional(),
  entitlement: record,
  identity: record.optional(),
  expect: z.strictObject({
    matched: z.boolean(),
    captures: z.record(z.string(), z.string()).optional(),
    targets: z.array(record).optional(),
    access: record.optional(),
    requests: z.array(record).optional(),
    unresolved: z.array(z.string()).optional(),
  }),
});

export const correlateExampleSchema = z.strictObject({
  name: z.string().min(1),
  correlate: z.strictObject({ principal: z.string(), candidates: z.array(record) }),
  expect: z.strictObject({ outcome: z.enum(['one', 'none', 'ambiguous']), identities: z.array(z.string()).optional() }),
});

export const connectorBindingSchema = z.strictObject({ profile: slug, params: record.optional() });

export const goldenSchema = z.strictObject({
  apiVersion,
  kind: z.literal('GoldenExamples'),
  profile: slug.optional().describe('The profile these examples exercise'),
  mapping: slug.optional().describe('The mapping these examples exercise'),
  connectors: z.record(z.string(), connectorBindingSchema).optional().describe('Connector id → profile, for planned requests'),
  examples: z.array(z.union([normaliseExampleSchema, requestExampleSchema, responseExampleSchema, resolveExampleSchema, correlateExampleSchema])).min(1),
});

export type GoldenDoc = z.infer<typeof goldenSchema>;
export type GoldenExample = GoldenDoc['examples'][number];
export type ConnectorBinding = z.infer<typeof connectorBindingSchema>;

export type NormaliseExample = z.infer<typeof normaliseExampleSchema>;
export type ResolveExample = z.infer<typeof resolveExampleSchema>;

export const isNormaliseExample = (ex: GoldenExample): ex is NormaliseExample => 'input' in ex && 'status' in (ex.expect as object);
export const isResolveExample = (ex: GoldenExample): ex is ResolveExample => 'entitlement' in ex;
