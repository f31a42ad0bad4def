import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { loadMappingSet } from '../../../mappings/lib/loader.ts';
import { systemClock } from '../../../gateway/domain/clock.ts';
import { createAuthenticatedHttp } from '../../../gateway/connectors/authenticated-http.ts';
import { profilePollSource } from '../../../gateway/intake/poll-sources/profile-poll-source.ts';
import { createPoller } from '../../../gateway/intake/poller.ts';
import { startStrongDmFake } from '../../fakes/index.ts';
import { ids, silentLogger, tempStore } from './harness.ts';

/** A profile written for this test against the fake's activities API, so the test does not depend on the shipped one. */
const PROFILE = `
apiVersion: lockstep.dev/v1
kind: VendorProfile
name: activities-test
title: Activities (test)
side: pam
inbound:
  format: json
  verify: { scheme: poll }
  dedupe: { id: id }
  poll:
    method: GET
    path: /v1/activities
    query:
      cursor: "{{ cursor }}"
      limit: "2"
    intervalSeconds: 30
    items: activities
    cursor: nextCursor
  rules:
    - name: any
      when: "$exists(verb)"
      emit: []
`;

describe('profile poll source', () => {
  it('reads pages with the profile request, dedupes by the profile rule and resumes from the cursor', async () => {
    const loaded = loadMappingSet([{ file: 'activities-test.yaml', text: PROFILE }]);
    if (!loaded.ok) throw new Error(loaded.error.map((e) => e.message).join('; '));
    const profile = loaded.value.profiles.get('activities-test')!;
    const fake = await startStrongDmFake();
    const http = createAuthenticatedHttp({ baseUrl: fake.url, auth: { kind: 'strongdm-signature', accessKey: 'sdm-access-key', secret: 'sdm-secret' }, timeoutMs: 1_000 }, { clock: systemClock });
    const t = await tempStore();
    try {
      for (let i = 0; i < 5; i++) fake.state.appendActivity('requested', { user: `u${i}@corp`, resource: 'db' });
      const source = profilePollSource('sdm', profile, http);
      if (!source) throw new Error('no poll section');
      const deps = { clock: systemClock, ids, random: () => 0.5, logger: silentLogger, registry: new Registry() };
      const poller = createPoller({ connectorId: 'sdm', source, intervalMs: 1000 }, { ...deps, store: t.store });
      expect(await poller.runOnce()).toMatchObject({ ok: true, value: { stored: 5 } });
      fake.state.appendActivity('granted', { user: 'u1@corp', resource: 'db', requestId: 'ar-9' });
      const store = await t.reopen();
      const again = createPoller({ connectorId: 'sdm', source, intervalMs: 1000 }, { ...deps, store });
      expect(await again.runOnce()).toMatchObject({ ok: true, value: { stored: 1 } });
      const keys = (await store.inbox.listPending(100)).map((r) => r.dedupeKey).sort();
      expect(keys).toEqual(fake.state.activities.map((a) => `id:${a.id}`).sort());
    } finally {
      http.close();
      await fake.close();
      await t.cleanup();
    }
  });
});
