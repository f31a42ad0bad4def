import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../gateway/domain/clock.ts';
import { isRetryableError } from '../../../gateway/connectors/pam-connector.ts';
import { type ClosablePamConnector, createProfileConnector } from '../../../gateway/connectors/profile-connector.ts';
import { runConnectorContract } from '../../contract/connector.ts';
import { startTeleportFake, type Fake, type TeleportState } from '../../fakes/index.ts';
import { builtinProfile } from './profiles.ts';

const connect = async (url: string, token = 'teleport-token') => createProfileConnector({
  id: 'teleport-test', vendor: 'teleport', profile: await builtinProfile('teleport'),
  baseUrl: url, auth: { kind: 'bearer', token }, timeoutMs: 1_000,
}, { clock: systemClock });

// Teleport grants roles just in time through access requests: the bridge the profile calls approves, denies and
// locks; it has no standing grant, revoke, read-back or inventory of role holders, so those are declared unsupported.
runConnectorContract('teleport', async () => {
  const fake = await startTeleportFake();
  const connector = await connect(fake.url);
  return {
    connector,
    faults: fake.faults,
    target: { kind: 'role', ref: 'db-admin' },
    principals: ['alice@corp.example', 'bob@corp.example', 'carol@corp.example', 'dave@corp.example', 'erin@corp.example', 'frank@corp.example'],
    permissions: [],
    pagedInventory: false,
    effects: () => fake.calls.effectCount(),
    unsupported: ['grant', 'revoke', 'read-back', 'list-inventory'],
    // Locking the same user again with the same message is an upsert with no change.
    probe: () => connector.endElevation({ externalRequestId: 'probe', principal: 'contract-probe@corp.example', reason: 'contract probe', idempotencyKey: 'contract:teleport:probe' }),
    close: async () => {
      connector.close();
      await fake.close();
    },
  };
});

describe('Teleport connector: access requests and locks through the bridge', () => {
  let fake: Fake<TeleportState>;
  let c: ClosablePamConnector;
  beforeAll(async () => {
    fake = await startTeleportFake();
    c = await connect(fake.url);
  });
  afterAll(async () => {
    c.close();
    await fake.close();
  });
  const decide = (id: string, approve: boolean, reason?: string) =>
    (approve ? c.approveElevation : c.denyElevation)({ externalRequestId: id, reason, idempotencyKey: `k-${id}-${approve}` });

  it('approves a pending request with Lockstep\'s reason; the audit log records the update', async () => {
    const r = fake.state.addRequest({ user: 'alice@corp.example', roles: ['db-admin'] });
    expect(await decide(r.id, true)).toMatchObject({ ok: true, value: { alreadyDone: false } });
    expect(fake.state.requests.get(r.id)).toMatchObject({ state: 'APPROVED', resolve_reason: 'Approved by Lockstep: matches an active IGA assignment' });
    expect(fake.state.events.at(-1)).toMatchObject({ code: 'T5001I', id: r.id, state: 'APPROVED' });
  });

  it('denies with the reasons; a resolved request cannot be approved afterwards (409, not retried)', async () => {
    const r = fake.state.addRequest({ user: 'bob@corp.example', roles: ['db-admin'] });
    expect(await decide(r.id, false, 'review overdue')).toMatchObject({ ok: true });
    expect(fake.state.requests.get(r.id)).toMatchObject({ state: 'DENIED', resolve_reason: 'review overdue' });
    const late = await decide(r.id, true);
    expect(late).toMatchObject({ ok: false, error: { failure: { kind: 'http', status: 409 } } });
    expect(fake.state.requests.get(r.id)!.state).toBe('DENIED');
  });

  it('ends an elevation with a lock on the user, once however often it is sent', async () => {
    const before = fake.calls.effectCount();
    for (let i = 0; i < 2; i++) {
      expect(await c.endElevation({ externalRequestId: 'r-1', principal: 'carol@corp.example', reason: 'assignment ended', idempotencyKey: 'end-1' })).toMatchObject({ ok: true });
    }
    expect(fake.state.lockedUsers()).toContain('carol@corp.example');
    expect(fake.calls.effectCount() - before).toBe(1);
  });

  it('health calls Teleport\'s ping through the bridge: unhealthy while it is down or refuses the token, healthy when up', async () => {
    const pings = () => fake.calls.count({ path: /^\/webapi\/ping$/ });
    const before = pings();
    expect(await c.checkHealth()).toMatchObject({ ok: true });
    expect(pings()).toBe(before + 1);
    await fake.faults.down();
    try {
      const down = await c.checkHealth();
      expect(down.ok).toBe(false);
      expect(!down.ok && isRetryableError(down.error)).toBe(true);
    } finally {
      await fake.faults.up();
    }
    expect(await c.checkHealth()).toMatchObject({ ok: true });
    fake.faults.next({ status: 503 }, 1, { path: '/webapi/ping' });
    expect(await c.checkHealth()).toMatchObject({ ok: false, error: { failure: { kind: 'http', status: 503 } } });
    const wrong = await connect(fake.url, 'nope');
    try {
      expect(await wrong.checkHealth()).toMatchObject({ ok: false, error: { failure: { kind: 'http', status: 401 } } });
    } finally {
      wrong.close();
    }
  });

  it('a wrong token is 401 and not retried', async () => {
    const wrong = await connect(fake.url, 'nope');
    try {
      const r = await wrong.approveElevation({ externalRequestId: 'x', idempotencyKey: 'k-x' });
      expect(r).toMatchObject({ ok: false, error: { failure: { kind: 'http', status: 401 } } });
    } finally {
      wrong.close();
    }
  });
});
