/**
 * Test helpers for the real gateway.
 *
 * - `startTestGateway({ config?, env?, dataDir?, extraMounts?, clock?, random?, intake? })` starts the REAL gateway through `startGateway`
 *   (gateway/main.ts) on 127.0.0.1, port 0, with a fresh temp data dir (SQLite unless `env` sets
 *   `LOCKSTEP_DATABASE_URL`) and logs off (`LOCKSTEP_LOG_LEVEL` in `env` turns them on). `config` is written as the
 *   configuration file before start. Returns `{ url, adminToken, store, gateway, dataDir, configPath, stop() }`.
 *   Pass the same `dataDir` again to restart on existing state (then `adminToken` is the one from the first start
 *   only if you kept it: it is generated once and never stored).
 * - `createScimToken(store, connectorId)` issues a SCIM bearer token for an IGA connector and returns it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ConfigDocument } from '../../gateway/config/config-schema.ts';
import { type Clock, systemClock } from '../../gateway/domain/clock.ts';
import type { ConnectorId, RandomSource } from '../../gateway/domain/ids.ts';
import { issueScimToken } from '../../gateway/http/api-tokens.ts';
import type { Mount } from '../../gateway/http/app.ts';
import type { IntakeWiringOptions } from '../../gateway/intake/intake-wiring.ts';
import { type Gateway, startGateway } from '../../gateway/main.ts';
import type { Store } from '../../gateway/store/store.ts';
import { tempDir } from './temp-dir.ts';

export interface TestGatewayOptions {
  /** Written to `<dataDir>/lockstep.json` before start (an admin token hash is added by the first start). */
  readonly config?: ConfigDocument;
  /** Extra environment variables (e.g. `LOCKSTEP_DATABASE_URL`, secrets named by `env:NAME`). */
  readonly env?: Record<string, string>;
  /** Reuse a data directory (restart on existing state). */
  readonly dataDir?: string;
  readonly extraMounts?: readonly Mount[];
  /** Injected time and randomness (default: system clock, crypto). */
  readonly clock?: Clock;
  readonly random?: RandomSource;
  /** Intake and outbox tuning (fast polling and retries; `dispatch: false` keeps outbox messages queued). */
  readonly intake?: IntakeWiringOptions;
}

export interface TestGateway {
  readonly url: string;
  /** The admin token, when this start generated one (a fresh data dir always does). */
  readonly adminToken: string | undefined;
  readonly store: Store;
  readonly gateway: Gateway;
  readonly dataDir: string;
  readonly configPath: string;
  stop(): Promise<void>;
}

export async function startTestGateway(opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const dataDir = opts.dataDir ?? tempDir('lockstep-gw-');
  const configPath = path.join(dataDir, 'lockstep.json');
  if (opts.config) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(configPath, `${JSON.stringify(opts.config, null, 2)}\n`);
  }
  const gateway = await startGateway({
    env: {
      PATH: process.env.PATH,
      LOCKSTEP_LOG_LEVEL: 'silent',
      ...opts.env,
      LOCKSTEP_DATA_DIR: dataDir,
      LOCKSTEP_CONFIG: configPath,
      LOCKSTEP_HOST: '127.0.0.1',
      LOCKSTEP_PORT: '0',
    },
    cwd: dataDir,
    extraMounts: opts.extraMounts,
    clock: opts.clock,
    random: opts.random,
    intake: opts.intake,
  });
  return {
    url: gateway.url,
    adminToken: gateway.adminToken,
    store: gateway.store,
    gateway,
    dataDir,
    configPath,
    stop: () => gateway.close(),
  };
}

/** A SCIM bearer token (`lst_...`) for `connectorId`, stored hashed in `store.tokens`. */
export async function createScimToken(store: Store, connectorId: ConnectorId, label = 'test'): Promise<string> {
  const { token } = await issueScimToken({ store, clock: systemClock, random: (n) => randomBytes(n) }, { connectorId, label, actor: 'test' });
  return token;
}
