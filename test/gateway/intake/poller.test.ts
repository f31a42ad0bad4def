import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../gateway/domain/clock.ts';
import { createAuthenticatedHttp } from '../../../gateway/connectors/authenticated-http.ts';
import { backoffDelay } from '../../../gateway/intake/backoff.ts';
import { cyberArkAuditSource } from '../../../gateway/intake/poll-sources/cyberark-audit-source.ts';
import { profilePollSource } from '../../../gateway/intake/poll-sources/profile-poll-source.ts';
import { createPoller, cursorName, type PollSource } from '../../../gateway/intake/poller.ts';
import type { Store } from '../../../gateway/store/store.ts';
import { startCyberArkFake, startStrongDmFake } from '../../fakes/index.ts';
import { builtinProfile } from '../connectors/profiles.ts';
import { eventually, ids, silentLogger, tempStore, type TempStore } from './harness.ts';

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(async () => {
  await t.cleanup();
});

const poller = (store: Store, connectorId: string, source: PollSource, registry = new Registry()) =>
  createPoller({ connectorId, source, intervalMs: 10, backoff: { baseMs: 5, maxMs: 20 } }, { store, clock: systemClock, ids, random: () => 0.5, logger: silentLogger, registry });

async function keys(store: Store): Promise<string[]> {
  return (await store.inbox.listPending(1000)).map((r) => r.dedupeKey);
}

describe('poller (CyberArk audit stream)', () => {
  it('reads every page, and after a failure and a restart resumes from the durable cursor with no gap and no repeat', async () => {
    const fake = await startCyberArkFake();
    const http = createAuthenticatedHttp({ baseUrl: fake.url, auth: { kind: 'oauth2-client-credentials', tokenUrl: `${fake.url}/oauth2/platformtoken`, clientId: 'lockstep', clientSecret: 'secret' }, timeoutMs: 1_000 }, { clock: systemClock });
    try {
      for (let i = 0; i < 7; i++) fake.state.audit.append({ action: 'Retrieve password', username: `u${i}` });
      const first = poller(t.store, 'cyberark-isp', cyberArkAuditSource(http, { pageSize: 3 }));
      expect(await first.runOnce()).toEqual({ ok: true, value: { pages: 3, stored: 7 } });
      const cursorAfter7 = await t.store.cursors.get(cursorName('cyberark-isp'));
      expect(cursorAfter7).toBeDefined();

      for (let i = 7; i < 14; i++) fake.state.audit.append({ action: 'PSM Connect', username: `u${i}` });
      fake.faults.next({ status: 503 }, 1, (r) => r.path.endsWith('/results') && fake.calls.count({ path: /results$/ }) >= 5);
      const failed = await first.runOnce();
      expect(failed.ok).toBe(false);
      expect(await keys(t.store)).toHaveLength(10);

      const store = await t.reopen();
      const registry = new Registry();
      const second = poller(store, 'cyberark-isp', cyberArkAuditSource(http, { pageSize: 3 }), registry);
      expect(await second.runOnce()).toMatchObject({ ok: true, value: { stored: 4 } });
      const all = await keys(store);
      expect(all.sort()).toEqual(fake.state.audit.events.map((e) => `id:${e.uuid}`).sort());
      const dup = (await registry.getSingleMetric('lockstep_intake_deliveries_total')!.get()).values.find((v) => v.labels.outcome === 'duplicate');
      expect(dup?.value ?? 0).toBe(0);
    } finally {
      http.close();
      await fake.close();
    }
  });
});

describe('poller (StrongDM activities through the shipped profile\'s poll section)', () => {
  it('polls on an interval with backoff while the API is down, then catches up', async () => {
    const fake = await startStrongDmFake();
    const http = createAuthenticatedHttp({ baseUrl: fake.url, auth: { kind: 'strongdm-signature', accessKey: 'sdm-access-key', secret: 'sdm-secret' }, timeoutMs: 1_000 }, { clock: systemClock });
    const registry = new Registry();
    const source = profilePollSource('strongdm', await builtinProfile('strongdm'), http);
    if (!source) throw new Error('the strongdm profile has no poll section');
    const p = poller(t.store, 'strongdm', source, registry);
    try {
      for (let i = 0; i < 3; i++) fake.state.appendActivity('requested', { user: `u${i}@corp`, resource: 'db-prod' });
      await fake.faults.down('refuse');
      p.start();
      await eventually(async () => ((await registry.getSingleMetric('lockstep_poller_failures_total')!.get()).values[0]?.value ?? 0) >= 2);
      await fake.faults.up();
      await eventually(async () => (await keys(t.store)).length === 3);
      fake.state.appendActivity('granted', { user: 'u0@corp', resource: 'db-prod', requestId: 'ar-1' });
      await eventually(async () => (await keys(t.store)).length === 4);
      await p.stop();
      expect((await keys(t.store)).sort()).toEqual(fake.state.activities.map((a) => `id:${a.id}`).sort());
      expect(fake.calls.count({ path: /activities/ }) - fake.faults.injected()).toBeGreaterThan(0);
    } finally {
      await p.stop();
      http.close();
      await fake.close();
    }
  });

  it('backs off exponentially with bounded jitter', () => {
    const o = { baseMs: 1000, maxMs: 60_000 };
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, o, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffDelay(20, o, () => 0.999)).toBeLessThanOrEqual(60_000);
    expect(backoffDelay(20, o, () => 0)).toBe(30_000);
  });
});
