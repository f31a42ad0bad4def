import { createHash } from 'node:crypto';

/** A stable 32-bit integer for a name: advisory locks take (int4, int4) keys. */
export function int32Of(name: string): number {
  return createHash('sha256').update(name).digest().readInt32BE(0);
}

/** Lock keys of one schema: the first int names the schema, the second the purpose. */
export function advisoryKey(schema: string, purpose: string): readonly [number, number] {
  return [int32Of(`lockstep:${schema}`), int32Of(purpose)];
}

/** Schema names become identifiers in SQL: only plain lower-case names are accepted. */
export function validateSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(schema)}: use 1–63 characters of a-z, 0-9 and _, not starting with a digit`);
  }
  return schema;
}

/**
 * The NOTIFY channel on which a schema's domain event appends are announced (payload: the event seq):
 * `lockstep_events_<schema>`, or a hash of the schema when that would pass PostgreSQL's 63-byte limit.
 */
export function eventsChannel(schema: string): string {
  const plain = `lockstep_events_${schema}`;
  return plain.length <= 63 ? plain : `lockstep_events_${createHash('sha256').update(schema).digest('hex').slice(0, 32)}`;
}
