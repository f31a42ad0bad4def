/** What the admin API is built from: each route module picks only the parts it uses. */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ConnectorConfig } from '../config/config-schema.ts';
import type { Clock } from '../domain/clock.ts';
import type { RandomSource } from '../domain/ids.ts';
import type { ReadinessReport } from '../http/readiness.ts';
import type { MappingRegistry } from '../mapping-registry/mapping-registry.ts';
import type { Store } from '../store/store.ts';
import type { MappingWorkspace } from './mapping-workspace.ts';

export interface AdminDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly logger: Logger;
  /** Requires the admin bearer token. */
  readonly adminAuth: RequestHandler;
  readonly connectors: () => readonly ConnectorConfig[];
  readonly settings: () => { readonly bodyLimit: string; readonly publicUrl?: string | undefined };
  readonly readiness: () => Promise<ReadinessReport>;
  readonly mappings: MappingRegistry;
  readonly workspace: MappingWorkspace;
  /** Loads the mappings the first time they are needed (mapping routes wait for it). */
  readonly mappingsReady?: (() => Promise<unknown>) | undefined;
  readonly metricsRegistry?: Registry | undefined;
  /** Live event stream timing (tests shorten it). */
  readonly events?: { readonly pollMs?: number; readonly heartbeatMs?: number } | undefined;
}
