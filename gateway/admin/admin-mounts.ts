/**
 * Builds the admin API and console mounts from the gateway's wiring context: the mapping registry and the
 * workspace it edits (`settings.mappingsDir` writable, `settings.profilesDir` read-only), and the built console.
 * Called by `routeMounts` in gateway/main.ts.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Mount } from '../http/app.ts';
import type { WiringContext } from '../main.ts';
import { createMappingRegistry, type MappingRegistry } from '../mapping-registry/mapping-registry.ts';
import { createAdminRouter } from './admin-router.ts';
import { createConsoleRouter } from './console-router.ts';
import { createMappingWorkspace } from './mapping-workspace.ts';

export const CONSOLE_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../console/renderer/dist');

export interface AdminMountOptions {
  /** A registry the gateway already holds (shared with the sync engine); one is made otherwise. */
  readonly registry?: MappingRegistry | undefined;
  readonly consoleDist?: string | undefined;
  readonly events?: { readonly pollMs?: number; readonly heartbeatMs?: number } | undefined;
}

export function adminMounts(
  ctx: Pick<WiringContext, 'store' | 'config' | 'logger' | 'metrics' | 'readiness' | 'clock' | 'random' | 'adminAuth'>,
  opts: AdminMountOptions = {},
): Mount[] {
  const settings = ctx.config.current().settings;
  const workspace = createMappingWorkspace({ editableDir: path.resolve(settings.mappingsDir), readOnlyDirs: [path.resolve(settings.profilesDir)] });
  const logger = ctx.logger.child({ component: 'admin-api' });
  const registry = opts.registry ?? createMappingRegistry({
    load: () => workspace.load(),
    clock: ctx.clock,
    log: logger,
    onReloaded: (set, version) => {
      ctx.store.events.append({
        type: 'mapping.reloaded', subject: 'mappings', actor: 'lockstep',
        payload: { version, mappings: set.mappings.length, profiles: set.profiles.size },
        occurredAt: new Date(ctx.clock.now()).toISOString(),
      }).catch((e: unknown) => logger.warn({ err: e }, 'could not record the mapping reload'));
    },
  });
  let firstLoad: Promise<unknown> | undefined;
  const mappingsReady = () => (firstLoad ??= registry.status().version > 0 ? Promise.resolve() : registry.reload());
  const router = createAdminRouter({
    store: ctx.store, clock: ctx.clock, random: ctx.random, logger, adminAuth: ctx.adminAuth,
    connectors: () => ctx.config.current().connectors,
    settings: () => ctx.config.current().settings,
    readiness: () => ctx.readiness.evaluate(),
    mappings: registry, workspace, mappingsReady,
    metricsRegistry: ctx.metrics.registry,
    events: opts.events,
  });
  return [
    { path: '/api/v1', router },
    { path: '/console', router: createConsoleRouter({ distDir: opts.consoleDist ?? CONSOLE_DIST }) },
  ];
}
