/** The EntitlementMapping file: which IGA entitlements become which PAM targets, and on what terms. */
import { z } from 'zod';
import { TARGET_KINDS } from './canonical-event.ts';
import { apiVersion, expression, scalar, slug, template } from './common-schema.ts';

export const nameMatchSchema = z.union([
  z.strictObject({ equals: z.string() }),
  z.strictObject({ prefix: z.string() }),
  z.strictObject({ regex: z.string().describe('ECMAScript regex; named groups become $captures') }),
]);

export const mappingSchema = z.strictObject({
  apiVersion,
  kind: z.literal('EntitlementMapping'),
  name: slug,
  description: z.string().optional(),
  match: z.strictObject({
    connector: z.string().min(1).describe('IGA connector id, or "*"'),
    name: nameMatchSchema.optional().describe('Match on the entitlement display name'),
    attributes: z.record(z.string(), scalar).optional().describe('Dotted path → required value (e.g. governance.nonHuman: true)'),
    where: expression.optional().describe('Predicate over the entitlement; $captures bound'),
  }),
  targets: z.array(z.strictObject({
    connector: z.string().min(1).describe('PAM connector id'),
    kind: z.enum(TARGET_KINDS),
    ref: template.describe('Target reference; $captures, $entitlement and $identity bound'),
    permissions: z.array(z.string()).optional(),
    when: expression.optional().describe('Only this target when true'),
  })).min(1),
  access: z.strictObject({
    mode: z.enum(['standing', 'jit']),
    maxDuration: z.string().regex(/^\d+(m|h|d)$/, 'expected a duration like 30m, 4h or 1d').optional(),
    requireOwner: z.boolean().optional(),
    requireReviewWithinDays: z.number().int().positive().optional(),
    breakGlass: z.enum(['deny', 'allow-with-review']).optional(),
  }),
  correlation: z.strictObject({
    principal: expression.optional().describe('Key from the PAM principal (bound as $); default: $'),
    identity: expression.optional().describe('Key from an IGA identity; default: userName'),
    caseInsensitive: z.boolean().optional(),
    pamPrincipal: template.optional().describe('PAM principal name for an identity; default: {{ userName }}'),
  }).optional(),
  drift: z.enum(['alert', 'revoke', 'propose']),
  conflict: z.enum(['iga-wins', 'pam-wins', 'manual']),
  nhi: z.strictObject({
    ownerRequired: z.boolean(),
    maxSecretAgeDays: z.number().int().positive().optional(),
  }).optional(),
});

export type EntitlementMappingDoc = z.infer<typeof mappingSchema>;
