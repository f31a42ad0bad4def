/** What a dry-run traces: one vendor delivery, one IGA entitlement change, or one outbound action. */
import { z } from 'zod';
import { OUTBOUND_ACTIONS } from './profile-schema.ts';
import { connectorBindingSchema } from './golden-schema.ts';
import { validateWith } from './loader.ts';
import type { Result } from './result.ts';
import { parseYaml, type LoadError } from './yaml-source.ts';

const record = z.record(z.string(), z.unknown());
const common = {
  connectors: z.record(z.string(), connectorBindingSchema).optional(),
  now: z.string().optional().describe('ISO time the constraints are checked at (default: the clock)'),
};

export const traceInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('event'),
    profile: z.string(),
    connectorId: z.string().optional(),
    contentType: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    receivedAt: z.string().optional(),
    body: z.string().optional(),
    json: z.unknown().optional(),
    form: z.record(z.string(), z.string()).optional(),
    candidates: z.array(record).optional().describe('IGA identities to correlate the principal against'),
    ...common,
  }),
  z.strictObject({
    kind: z.literal('entitlement'),
    operation: z.enum(['grant', 'revoke']).optional(),
    entitlement: record,
    identity: record.optional(),
    assignment: record.optional(),
    ...common,
  }),
  z.strictObject({
    kind: z.literal('request'),
    profile: z.string(),
    action: z.enum(OUTBOUND_ACTIONS),
    input: record,
    params: record.optional(),
    ...common,
  }),
]);

export type TraceInput = z.infer<typeof traceInputSchema>;

/** Reads a dry-run input file (YAML or JSON), with file:line:column errors. */
export function parseTraceInput(file: string, text: string): Result<TraceInput, LoadError[]> {
  const parsed = parseYaml(file, text);
  if (!parsed.ok) return parsed;
  return validateWith(parsed.value, traceInputSchema);
}
