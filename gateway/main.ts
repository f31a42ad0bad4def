/**
 * The one composition root: builds configuration, logger, metrics, store, routers and background services,
 * listens, and closes everything in order. Nothing else constructs concrete objects.
 *
 * A start either completes or leaves nothing running: a failure after the store opened closes it again. The
 * admin token is generated last, so that a failed first start never keeps a hash whose token nobody saw.
 */
import { randomBytes } from 'node:crypto';
import type { DestinationStream } from 'pino';
import type { RequestHandler } from 'express';
import { ConfigFile } from './config/config-file.ts';
import { type ConfigWatcher, watchConfig } from './config/config-watcher.ts';
import { ensureWritableDirectory } from './config/data-dir.ts';
import { type DatabaseTarget, type GatewayEnvironment, describeDatabase, readEnvironment } from './config/environment.ts';
import type { Environment } from './config/secrets.ts';
import { StartupError } from './config/startup-error.ts';
import { parseByteSize } from './config/byte-size.ts';
import { VERSION } from './config/version.ts';
import { type Clock, systemClock } from './domain/clock.ts';
import type { RandomSource } from './domain/ids.ts';
import { ensureAdminToken, requireAdminToken } from './http/admin-auth.ts';
import { type Mount, createApp } from './http/app.ts';
import { type ListeningServer, ListenError, listen } from './http/http-server.ts';
import { Readiness } from './http/readiness.ts';
import { type TokenUsage, createTokenUsage } from './http/token-usage.ts';
import { type Logger, createLogger } from './observability/logger.ts';
import { type Metrics, createMetrics } from './observability/metrics.ts';
import { type StorageHealth, createStorageHealth } from './observability/storage-health.ts';
import type { Store } from './store/store.ts';
import { createScimRouter } from './scim/scim-router.ts';
import { type MappingRegistry, createMappingRegistry } from './mapping-registry/mapping-registry.ts';
import { mappingSources } from './mapping-registry/mapping-sources.ts';
import { type MappingWatcher, watchMappings } from './mapping-registry/mapping-watcher.ts';
import { loadMappingDirs } from '../mappings/lib/loader-fs.ts';
import { adminMounts } from './admin/admin-mounts.ts';
import { syncWiring } from './sync/sync-wiring.ts';
import { reconcileWiring } from './reconcile/reconcile-wiring.ts';
import { createReconcileRouter } from './reconcile/reconcile-router.ts';
import { retentionWiring } from './retention/retention-wiring.ts';
import { type IntakeWiringOptions, type SyslogEndpoint, intakeWiring } from './intake/intake-wiring.ts';
import type { Dispatcher } from './outbox/dispatcher.ts';

export { StartupError } from './config/startup-error.ts';

export interface GatewayOptions {
  /** Environment variables (default `process.env`). */
  readonly env?: Environment;
  /** Working directory that relative paths resolve against (default `process.cwd()`). */
  readonly cwd?: string;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  /** Where log lines go (default stdout). */
  readonly logDestination?: DestinationStream;
  /** Routers added after the built-in ones (tests, embedding). */
  readonly extraMounts?: readonly Mount[];
  /** Watch the configuration file for changes (default true). */
  readonly watchConfig?: boolean;
  /** Intake and outbox tuning (tests: fast polling and retries, or `dispatch: false` to keep messages queued). */
  readonly intake?: IntakeWiringOptions;
  /** Wraps the opened state store; everything in the gateway uses the wrapped one (tests: storage fault injection). */
  readonly wrapStore?: (store: Store) => Store;
}

/** A background worker (outbox dispatcher, pollers, reconciler): started after listening, stopped first. */
export interface BackgroundService {
  readonly name: string;
  start(): void | Promise<void>;
  stop(): Promise<void>;
}

/** What the routers and services are built from. */
export interface WiringContext {
  readonly env: Environment;
  readonly environment: GatewayEnvironment;
  readonly config: ConfigFile;
  readonly store: Store;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly clock: Clock;
  readonly random: RandomSource;
  /** Middleware requiring the admin bearer token (for `/api/v1`). */
  readonly adminAuth: RequestHandler;
  /** The entitlement mappings and vendor profiles in use (swapped atomically on reload). */
  readonly mappings: MappingRegistry;
  /** Directories the mappings are loaded from (watched for changes). */
  readonly mappingDirs: readonly string[];
  /** Intake and outbox tuning from {@link GatewayOptions.intake}. */
  readonly intakeOptions?: IntakeWiringOptions | undefined;
  /** Whether the store takes writes (entry points report faults to it; readiness check `storage`). */
  readonly storage: StorageHealth;
  /** Records when bearer tokens were last used. */
  readonly tokenUsage: TokenUsage;
}

export interface Gateway {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly version: string;
  readonly environment: GatewayEnvironment;
  readonly store: Store;
  readonly config: ConfigFile;
  readonly configWatcher: ConfigWatcher | undefined;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The entitlement mappings and vendor profiles in use. */
  readonly mappings: MappingRegistry;
  /** The admin token generated at this start (first start only); print it once, it is not kept. */
  readonly adminToken: string | undefined;
  /** The outbox dispatcher (stopped with the gateway). */
  readonly dispatcher: Dispatcher;
  /** The syslog listeners listening now, with their bound ports. */
  readonly syslogListeners: readonly SyslogEndpoint[];
  /** Stops accepting, finishes in-flight requests (bounded by `settings.shutdownGraceMs`), closes the store. */
  close(): Promise<void>;
}

/** PAM intake and the outbox (memoised per context, like the sync wiring). */
const intake = (ctx: WiringContext) => intakeWiring(ctx, ctx.intakeOptions);
/** The sync engine; its first call (the one that builds it) passes the dispatcher nudge. */
const sync = (ctx: WiringContext) => syncWiring(ctx, { onOutbox: intake(ctx).nudge });
const reconcile = (ctx: WiringContext) => reconcileWiring(ctx, { onOutbox: intake(ctx).nudge });
/** The retention purge of handled inbox rows and delivered outbox messages. */
const retention = (ctx: WiringContext) => retentionWiring(ctx);

/** Routers served by the gateway, under their base paths (`/scim/v2`, `/webhooks`, `/api/v1`, `/console`). */
function routeMounts(ctx: WiringContext): Mount[] {
  const settings = ctx.config.current().settings;
  const publicUrl = settings.publicUrl?.replace(/\/+$/, '');
  const rate = settings.rateLimitPerConnector;
  return [
    {
      path: '/scim/v2',
      router: createScimRouter({
        store: ctx.store, clock: ctx.clock, random: ctx.random, logger: ctx.logger.child({ component: 'scim' }),
        settings: {
          tombstoneRetentionDays: settings.tombstoneRetentionDays,
          bodyLimitBytes: parseByteSize(settings.bodyLimit),
          rateLimit: rate === 0 ? false : { capacity: rate * 2, refillPerSecond: rate },
        },
        baseUrl: publicUrl ? () => `${publicUrl}/scim/v2` : undefined,
        storage: ctx.storage, tokenUsage: ctx.tokenUsage,
      }),
    },
    ...intake(ctx).mounts,
    sync(ctx).mount,
    {
      path: '/api/v1',
      router: createReconcileRouter({
        adminAuth: ctx.adminAuth,
        publicUrl: () => ctx.config.current().settings.publicUrl,
        reconcileNow: () => reconcile(ctx).reconciler.reconcileNow(),
      }),
    },
    ...adminMounts(ctx, { registry: ctx.mappings }),
  ];
}

/**
 * Background workers run by the gateway, in start order (stopped in reverse): the outbox dispatcher starts before
 * and stops after everything that enqueues, so that calls in flight finish. A new mapping set (file edit or admin
 * save) is applied to the connectors as a configuration change is.
 */
function backgroundServices(ctx: WiringContext): BackgroundService[] {
  let watcher: MappingWatcher | undefined;
  let unsubscribe: (() => void) | undefined;
  return [
    {
      name: 'mapping-watcher',
      start: () => {
        unsubscribe = ctx.mappings.onChange(() => intake(ctx).applyConnectors());
        watcher = watchMappings({ dirs: ctx.mappingDirs, registry: ctx.mappings, log: ctx.logger.child({ component: 'mappings' }) });
      },
      stop: async () => {
        watcher?.close();
        unsubscribe?.();
      },
    },
    intake(ctx).outboxService,
    sync(ctx).service,
    reconcile(ctx).service,
    retention(ctx).service,
    ...intake(ctx).services,
  ];
}

/** Opens (and migrates) the configured store; the driver of the other dialect is never loaded. */
export async function openStateStore(target: DatabaseTarget, random?: RandomSource): Promise<Store> {
  try {
    if (target.dialect === 'sqlite') {
      const { openSqliteStore } = await import('./store/sqlite/sqlite-store.ts');
      return await openSqliteStore({ file: target.file, random });
    }
    const { openPostgresStore } = await import('./store/postgres/postgres-store.ts');
    return await openPostgresStore({ connectionString: target.connectionString, schema: target.schema, random });
  } catch (e) {
    throw new StartupError(`cannot open the state store (${describeDatabase(target)}): ${(e as Error).message}`, { cause: e });
  }
}

export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? ((n: number) => randomBytes(n));
  const read = readEnvironment(env, options.cwd ?? process.cwd());
  if (!read.ok) throw new StartupError(read.error);
  const environment = read.value;
  const logger = createLogger({ level: environment.logLevel, destination: options.logDestination });

  await ensureWritableDirectory(environment.dataDir, environment.dataDirDisplay);
  const config = await ConfigFile.open({ path: environment.configPath, display: environment.configPathDisplay, env, create: true });
  const metrics = createMetrics({ version: VERSION });
  const sources = mappingSources(config.current().settings, options.cwd ?? process.cwd());
  for (const dir of sources.missing) logger.warn({ dir }, 'configured mappings directory does not exist; left out');
  const mappings = createMappingRegistry({
    load: () => loadMappingDirs(sources.dirs), clock, log: logger.child({ component: 'mappings' }),
  });
  const firstLoad = await mappings.reload();
  if (!firstLoad.ok) {
    const first = firstLoad.error[0];
    throw new StartupError(`mappings do not load: ${first ? `${first.file}:${first.line}:${first.column}: ${first.message}` : 'unknown error'}${firstLoad.error.length > 1 ? ` (and ${firstLoad.error.length - 1} more; run \`lockstep check\`)` : ''}`);
  }
  const opened = await openStateStore(environment.database, random);
  const store = options.wrapStore ? options.wrapStore(opened) : opened;

  let watcher: ConfigWatcher | undefined;
  let server: ListeningServer | undefined;
  const services: BackgroundService[] = [];
  let shuttingDown = false;
  let adminToken: string | undefined;
  let wiring: WiringContext | undefined;
  const storage = createStorageHealth({
    clock, logger, probe: () => store.cursors.set('storage.probe', new Date(clock.now()).toISOString()),
  });
  const tokenUsage = createTokenUsage({ store, clock, logger });
  try {
    const readiness = new Readiness();
    readiness.register('store', () => (store.isReady() ? { ok: true } : { ok: false, reason: 'state store is not open and migrated' }));
    readiness.register('config', () => {
      const status = watcher?.status() ?? { valid: true };
      return status.valid ? { ok: true } : { ok: false, reason: `configuration file is invalid: ${status.error.message}` };
    });
    readiness.register('storage', () => storage.check());
    readiness.register('shutdown', () => (shuttingDown ? { ok: false, reason: 'shutting down' } : { ok: true }));

    const adminAuth = requireAdminToken({ adminTokenHash: () => config.current().settings.adminTokenHash, onUsed: (hash) => tokenUsage.adminTokenUsed(hash) });
    const ctx: WiringContext = {
      env, environment, config, store, logger, metrics, readiness, clock, random, adminAuth, mappings, mappingDirs: sources.dirs, intakeOptions: options.intake,
      storage, tokenUsage,
    };
    wiring = ctx;
    readiness.register('connectors', () => {
      const problems = intake(ctx).problems();
      return problems.length === 0 ? { ok: true } : { ok: false, reason: problems.join('; ') };
    });
    const app = createApp({
      logger, metrics, readiness, clock, random, version: VERSION,
      maxInFlight: config.current().settings.maxInFlight, storage,
      mounts: [...routeMounts(ctx), ...(options.extraMounts ?? [])],
    });
    server = await listen(app, { host: environment.host, port: environment.port }).catch((e: unknown) => {
      throw e instanceof ListenError ? new StartupError(e.message, { cause: e }) : e;
    });
    if (options.watchConfig !== false) {
      watcher = watchConfig({
        file: config,
        logger,
        onReload: (status) => metrics.configReloads.inc({ result: status.valid ? 'applied' : 'invalid' }),
      });
    }
    for (const service of backgroundServices(ctx)) {
      await service.start();
      services.push(service);
    }
    adminToken = await ensureAdminToken({ file: config, random });
  } catch (e) {
    for (const service of services.reverse()) await service.stop().catch(() => undefined);
    watcher?.close();
    await server?.close(0);
    storage.stop();
    await tokenUsage.flush();
    await store.close();
    throw e;
  }

  const listening = server;
  const intakeOf = intake(wiring!);
  logger.info({ url: listening.url, config: environment.configPath, store: describeDatabase(environment.database), version: VERSION }, 'gateway started');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      shuttingDown = true;
      logger.info('gateway stopping');
      for (const service of [...services].reverse()) {
        await service.stop().catch((e: unknown) => logger.error({ err: e, service: service.name }, 'service did not stop cleanly'));
      }
      const { forced } = await listening.close(config.current().settings.shutdownGraceMs);
      if (forced) logger.warn('shutdown grace period ended; open connections were cut');
      watcher?.close();
      storage.stop();
      await tokenUsage.flush();
      await store.close();
      logger.info('gateway stopped');
    })();
    return closing;
  };

  return {
    url: listening.url,
    host: listening.host,
    port: listening.port,
    version: VERSION,
    environment,
    store,
    config,
    get configWatcher() {
      return watcher;
    },
    logger,
    metrics,
    mappings,
    adminToken,
    dispatcher: intakeOf.dispatcher,
    get syslogListeners() {
      return intakeOf.syslogEndpoints();
    },
    close,
  };
}
