/**
 * Typed, prefixed ids (Svix style). Our ids are `prefix_` + 26 Crockford base32 characters, time-ordered so
 * that they sort by creation. External ids never use these types: they always travel with their connector
 * as an {@link ExternalRef}.
 */
export const ID_PREFIXES = {
  identity: 'idn',
  entitlement: 'ent',
  assignment: 'asg',
  grant: 'grt',
  elevation: 'elv',
  evidence: 'evd',
  revocation: 'rvk',
  finding: 'fnd',
  conflict: 'cfl',
  inbox: 'ibx',
  outbox: 'obx',
  event: 'evt',
  token: 'tok',
  request: 'req',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;
export type Id<K extends IdKind> = `${(typeof ID_PREFIXES)[K]}_${string}`;

export type IdentityId = Id<'identity'>;
export type EntitlementId = Id<'entitlement'>;
export type AssignmentId = Id<'assignment'>;
export type GrantId = Id<'grant'>;
export type ElevationId = Id<'elevation'>;
export type EvidenceId = Id<'evidence'>;
export type RevocationId = Id<'revocation'>;
export type FindingId = Id<'finding'>;
export type ConflictId = Id<'conflict'>;
export type InboxId = Id<'inbox'>;
export type OutboxId = Id<'outbox'>;
export type EventId = Id<'event'>;
export type TokenId = Id<'token'>;

/** A connector id is chosen by the operator in the configuration file (e.g. `cyberark-prod`). */
export type ConnectorId = string;

/** An id that belongs to an external system; meaningless without the connector it came from. */
export interface ExternalRef {
  readonly connectorId: ConnectorId;
  readonly externalId: string;
}

/** Source of randomness, injected so that tests are repeatable. Returns `n` random bytes. */
export type RandomSource = (n: number) => Uint8Array;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Makes ids of one kind: 10 characters of millisecond time, then 16 of randomness. */
export function newId<K extends IdKind>(kind: K, nowMs: number, random: RandomSource): Id<K> {
  let time = '';
  let t = Math.max(0, Math.floor(nowMs));
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = random(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += CROCKFORD[(bytes[i] ?? 0) % 32];
  return `${ID_PREFIXES[kind]}_${time}${rand}` as Id<K>;
}

/** True when `value` looks like an id of `kind` (prefix and length; it does not prove the id exists). */
export function isId<K extends IdKind>(kind: K, value: unknown): value is Id<K> {
  return typeof value === 'string' && value.length === ID_PREFIXES[kind].length + 27
    && value.startsWith(`${ID_PREFIXES[kind]}_`);
}
