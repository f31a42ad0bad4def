/**
 * The inputs the admin API validates, once, at the edge (query strings coerced from text). Typed to match
 * the contract in `api-types.ts`. Server-side only: the renderer imports types, not these schemas.
 */
import { z } from 'zod';
import { CONFLICT_KINDS, RESOLUTION_ACTIONS } from '../../gateway/domain/conflict.ts';
import { FINDING_KINDS, SEVERITIES } from '../../gateway/domain/finding.ts';
import { OUTBOX_STATUSES } from '../../gateway/domain/outbox-message.ts';

const startIndex = z.coerce.number().int().min(1).default(1);
const count = z.coerce.number().int().min(1).max(200).default(50);
const text = (max: number) => z.string().trim().min(1).max(max);
const isoInstant = z.iso.datetime({ offset: true, error: 'an ISO-8601 date-time such as 2026-12-31T00:00:00Z' });

export const findingsQuerySchema = z.strictObject({
  kind: z.enum(FINDING_KINDS).optional(),
  status: z.enum(['open', 'resolved', 'excepted']).optional(),
  severity: z.enum(SEVERITIES).optional(),
  sort: z.enum(['firstSeenAt', 'lastSeenAt', 'severity', 'kind']).default('lastSeenAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
  startIndex,
  count,
});

export const conflictsQuerySchema = z.strictObject({
  kind: z.enum(CONFLICT_KINDS).optional(),
  status: z.enum(['open', 'resolved']).optional(),
  startIndex,
  count,
});

export const outboxQuerySchema = z.strictObject({
  status: z.enum(OUTBOX_STATUSES).optional(),
  connectorId: text(64).optional(),
  startIndex,
  count,
});

export const resolveConflictSchema = z.strictObject({
  action: z.enum(RESOLUTION_ACTIONS),
  by: text(200),
  reason: text(2000),
  owner: text(200).optional(),
  until: isoInstant.optional(),
}).superRefine((input, ctx) => {
  if (input.action !== 'exception') return;
  if (input.owner === undefined) ctx.addIssue({ code: 'custom', path: ['owner'], message: 'an exception needs an owner' });
  if (input.until === undefined) ctx.addIssue({ code: 'custom', path: ['until'], message: 'an exception needs an expiry' });
});

/** A mapping file name relative to the mappings directory: no parent segments, YAML only. */
export const mappingFileName = z.string().min(1).max(200)
  .regex(/^(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._\/-]+\.ya?ml$/, { error: 'a relative .yaml/.yml path inside the mappings directory' });

export const mappingFileQuerySchema = z.strictObject({ file: mappingFileName });

export const mappingTextSchema = z.strictObject({
  file: mappingFileName,
  text: z.string().max(512 * 1024),
});

export const dryRunSchema = z.union([
  z.strictObject({ text: z.string().min(1).max(512 * 1024) }),
  z.strictObject({ input: z.record(z.string(), z.unknown()) }),
]);

export const replaySchema = z.union([
  z.strictObject({ id: z.string().regex(/^obx_[0-9A-Z]{26}$/, { error: 'an outbox id (obx_…)' }) }),
  z.strictObject({ connectorId: text(64) }),
  z.strictObject({ all: z.literal(true) }),
]);

const evidenceScope = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('entitlement'), entitlementId: z.string().regex(/^ent_[0-9A-Z]{26}$/, { error: 'an entitlement id (ent_…)' }) }),
  z.strictObject({ kind: z.literal('owner'), owner: text(200) }),
]);

export const evidenceExportSchema = z.strictObject({
  scope: evidenceScope,
  format: z.enum(['json', 'csv', 'html']),
  unusedDays: z.number().int().min(1).max(3650).optional(),
});

/** `GET /evidence?entitlementId=…|owner=…&format=…` (a direct download). */
export const evidenceQuerySchema = z.strictObject({
  entitlementId: z.string().optional(),
  owner: z.string().optional(),
  format: z.enum(['json', 'csv', 'html']).default('json'),
  unusedDays: z.coerce.number().int().min(1).max(3650).optional(),
});
