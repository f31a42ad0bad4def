import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.ts';
import type { ConnectorId, RandomSource } from '../domain/ids.ts';
import type { Store } from '../store/store.ts';
import { ScimError } from './scim-error.ts';
import type { ListParams } from './scim-list.ts';
import type { Projection } from './scim-projection.ts';

/** Who is calling and where: built once per request from the bearer token. */
export interface ScimContext {
  readonly connectorId: ConnectorId;
  readonly requestId: string;
  /** Recorded on events, ledger entries and ended assignments: `scim:<connector>:<request id>`. */
  readonly actor: string;
  /** Absolute base of the SCIM service (`https://host/scim/v2`), for `meta.location` and `$ref`. */
  readonly baseUrl: string;
}

export interface ScimSettings {
  /** How long deleted Users and Groups stay readable as tombstones (`active: false`). Default 7. */
  readonly tombstoneRetentionDays: number;
  /** Largest request body, in bytes (413 above). Default 1 MiB. */
  readonly bodyLimitBytes: number;
  /** Largest page a list returns (ServiceProviderConfig filter.maxResults). Default 1000. */
  readonly maxResults: number;
  /** Page size when the client gives no `count`. Default 100. */
  readonly defaultCount: number;
  readonly bulkMaxOperations: number;
  readonly bulkMaxPayloadBytes: number;
  /** Per-token token bucket; `false` turns rate limiting off. */
  readonly rateLimit: false | { readonly capacity: number; readonly refillPerSecond: number };
}

export const defaultScimSettings: ScimSettings = {
  tombstoneRetentionDays: 7,
  bodyLimitBytes: 1024 * 1024,
  maxResults: 1000,
  defaultCount: 100,
  bulkMaxOperations: 1000,
  bulkMaxPayloadBytes: 1024 * 1024,
  rateLimit: { capacity: 600, refillPerSecond: 200 },
};

/** What the SCIM services need; a subset of the router's deps. */
export interface ScimServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly logger: Logger;
  readonly settings: ScimSettings;
}

/** A service's answer, turned into an HTTP response by the router or into a bulk operation result. */
export interface ScimOutcome {
  readonly status: number;
  readonly body?: unknown;
  readonly location?: string;
  readonly etag?: string;
}

/**
 * Thrown inside a transaction when an optimistic update lost a race (a version moved, or a concurrent
 * request added the same member first); the whole operation is retried on fresh state.
 */
export class VersionConflict extends Error {}

const MAX_ATTEMPTS = 10;

export async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof VersionConflict)) throw e;
      if (attempt >= MAX_ATTEMPTS - 1) throw new ScimError(409, undefined, 'the resource changed concurrently; retry');
    }
  }
}

/** What the router and `/Bulk` call on Users and Groups alike. */
export interface ResourceService {
  list(ctx: ScimContext, params: ListParams): Promise<ScimOutcome>;
  create(ctx: ScimContext, body: unknown): Promise<ScimOutcome>;
  get(ctx: ScimContext, id: string, projection: Projection, ifNoneMatch?: string): Promise<ScimOutcome>;
  replace(ctx: ScimContext, id: string, body: unknown, ifMatch?: string): Promise<ScimOutcome>;
  patch(ctx: ScimContext, id: string, body: unknown, ifMatch: string | undefined, projection?: Projection): Promise<ScimOutcome>;
  delete(ctx: ScimContext, id: string, ifMatch?: string): Promise<ScimOutcome>;
}
