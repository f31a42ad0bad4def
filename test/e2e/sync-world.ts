/**
 * The world of a sync end-to-end file: the vendor fakes, the gateway on them (startSyncHarness) and a SCIM client
 * of one IGA connector, started before the file's tests and stopped after them.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Clock } from '../../gateway/domain/clock.ts';
import { Scim } from './sync-client.ts';
import { startFakes, startSyncHarness, type Fakes, type SyncHarness } from './sync-harness.ts';

export interface SyncWorld {
  readonly fakes: Fakes;
  readonly h: SyncHarness;
  readonly scim: Scim;
  /** Starts the gateway again on the stopped one's data dir and admin token (a restart, with `h.stop()` first). */
  reopen(): Promise<void>;
}

/**
 * Registers beforeAll/afterAll that start and stop the world; read its fields inside hooks and tests.
 * `scimConnector` is the IGA connector the SCIM client speaks as (default sailpoint).
 */
export function useSyncWorld(opts: { clock?: Clock; scimConnector?: string } = {}): SyncWorld {
  let fakes: (Fakes & { close(): Promise<void> }) | undefined;
  let h: SyncHarness | undefined;
  let scim: Scim | undefined;
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the sync world is not started: read it inside a hook or a test');
    return v;
  };

  beforeAll(async () => {
    fakes = await startFakes();
    h = await startSyncHarness(fakes, { clock: opts.clock });
    scim = new Scim(h.url, await h.scimToken(opts.scimConnector ?? 'sailpoint'));
  });
  afterAll(async () => {
    await h?.stop();
    await fakes?.close();
  });

  return {
    get fakes() { return started(fakes); },
    get h() { return started(h); },
    get scim() { return started(scim); },
    async reopen() {
      const { dataDir, adminToken } = started(h);
      h = await startSyncHarness(started(fakes), { dataDir, adminToken, clock: opts.clock });
    },
  };
}
