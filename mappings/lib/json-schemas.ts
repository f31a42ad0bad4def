/** The published JSON Schemas (for editors), generated from the zod schemas the loader validates with. */
import { z } from 'zod';
import { goldenSchema } from './golden-schema.ts';
import { mappingSchema } from './mapping-schema.ts';
import { profileSchema } from './profile-schema.ts';
import { traceInputSchema } from './trace-input.ts';

const SCHEMAS = {
  'vendor-profile': { schema: profileSchema, title: 'Lockstep VendorProfile' },
  'entitlement-mapping': { schema: mappingSchema, title: 'Lockstep EntitlementMapping' },
  'golden-examples': { schema: goldenSchema, title: 'Lockstep GoldenExamples' },
  'dry-run-input': { schema: traceInputSchema, title: 'Lockstep dry-run input' },
} as const;

/** File name (under mappings/schema/) → JSON text, stable (sorted by name, two-space indent, final newline). */
export function renderJsonSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, { schema, title }] of Object.entries(SCHEMAS)) {
    const json = { $id: `https://lockstep.dev/schema/${name}.schema.json`, title, ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', reused: 'ref' }) };
    out[`${name}.schema.json`] = `${JSON.stringify(json, null, 2)}\n`;
  }
  return out;
}
