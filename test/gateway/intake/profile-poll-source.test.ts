import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { loadMappingSet } from '../../../mappings/lib/loader.ts';
import { systemClock } from '../../../gateway/domain/clock.ts';
import { createAuthenticatedHttp } from '../../../gateway/connectors/authenticated-http.ts';
import { profilePollSource } from '../../../gateway/intake/poll-sources/profile-poll-source.ts';
import { createInboxProcessor } from '../../../gateway/intake/inbox-processor.ts';
import { createPoller, cursorName } from '../../../gateway/intake/poller.ts';
import { sessionEndEvent, sessionStartEvent, startStrongDmFake, startTeleportFake } from '../../fakes/index.ts';
import { builtinProfile } from '../connectors/profiles.ts';
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

describe('profile poll source: Teleport audit events (the shipped profile against the bridge fake)', () => {
  it('reads the audit log page by page from the durable key, resumes after a restart, and the events normalise', async () => {
    const profile = await builtinProfile('teleport');
    const fake = await startTeleportFake();
    const http = createAuthenticatedHttp({ baseUrl: fake.url, auth: { kind: 'bearer', token: 'teleport-token' }, timeoutMs: 1_000 }, { clock: systemClock });
    const t = await tempStore();
    try {
      const req = fake.state.addRequest({ user: 'alice@corp.example', roles: ['db-admin'], reason: 'INC-7' });
      // More than one page of the profile's limit (100): session starts on many nodes.
      for (let i = 0; i < 104; i++) fake.state.appendEvent(sessionStartEvent({ sid: `s-${i}`, user: 'alice@corp.example', server: `node-${i}.example.test` }));
      fake.state.appendEvent({ event: 'session.upload', code: 'T2005I', uid: 'upload-1', time: new Date().toISOString(), sid: 's-0' });
      const source = profilePollSource('teleport-audit', profile, http);
      if (!source) throw new Error('the teleport profile has no poll section');
      const registry = new Registry();
      const deps = { clock: systemClock, ids, random: () => 0.5, logger: silentLogger, registry };
      const first = await createPoller({ connectorId: 'teleport-audit', source, intervalMs: 1000 }, { ...deps, store: t.store }).runOnce();
      expect(first).toMatchObject({ ok: true, value: { stored: 106 } });
      expect(first.ok && first.value.pages).toBeGreaterThan(1);
      expect(await t.store.cursors.get(cursorName('teleport-audit'))).toBe('106');

      // Nothing new: the key stays where it is and nothing is stored again.
      expect(await createPoller({ connectorId: 'teleport-audit', source, intervalMs: 1000 }, { ...deps, store: t.store }).runOnce()).toMatchObject({ ok: true, value: { stored: 0 } });

      const approved = await fetch(`${fake.url}/v1/access-requests/${req.id}/approve`, { method: 'POST', headers: { authorization: 'Bearer teleport-token', 'content-type': 'application/json' }, body: '{"reason":"ok"}' });
      expect(approved.status).toBe(200);
      fake.state.appendEvent(sessionEndEvent({ sid: 's-0', user: 'alice@corp.example', start: new Date().toISOString(), server: 'node-0.example.test' }));
      const store = await t.reopen();
      expect(await createPoller({ connectorId: 'teleport-audit', source, intervalMs: 1000 }, { ...deps, store }).runOnce()).toMatchObject({ ok: true, value: { stored: 2 } });

      const keys = (await store.inbox.listPending(1000)).map((r) => r.dedupeKey).sort();
      expect(keys).toEqual(fake.state.events.map((e) => `id:${e.uid}`).sort());
      const dup = (await registry.getSingleMetric('lockstep_intake_deliveries_total')!.get()).values.find((v) => v.labels.outcome === 'duplicate');
      expect(dup?.value ?? 0).toBe(0);

      const processor = createInboxProcessor({ store, clock: systemClock, logger: silentLogger, registry: new Registry(), profileFor: () => profile });
      while ((await processor.runOnce()) > 0);
      expect(await store.inbox.countByStatus()).toMatchObject({ pending: 0, processed: 108 });
      const events = (await store.events.readAfter(0, 1000)).filter((e) => e.type === 'pam.event' && e.payload.stage === 'normalised')
        .map((e) => (e.payload as { event: { type: string; principal?: string; externalId?: string } }).event);
      const byType = (type: string) => events.filter((e) => e.type === type);
      expect(byType('elevation.requested')).toMatchObject([{ principal: 'alice@corp.example', externalId: req.id }]);
      expect(byType('elevation.approved')).toMatchObject([{ principal: 'alice@corp.example', externalId: req.id }]);
      expect(byType('session.started')).toHaveLength(104);
      expect(byType('session.ended')).toMatchObject([{ externalId: 's-0' }]);
    } finally {
      http.close();
      await fake.close();
      await t.cleanup();
    }
  });
});
