import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../gateway/domain/clock.ts';
import { createProfileConnector } from '../../../gateway/connectors/profile-connector.ts';
import { runConnectorContract } from '../../contract/connector.ts';
import { signStrongDmRequest, startStrongDmFake, type Fake, type StrongDmState } from '../../fakes/index.ts';
import { builtinProfile } from './profiles.ts';

const auth = { kind: 'strongdm-signature', accessKey: 'sdm-access-key', secret: 'sdm-secret' } as const;

runConnectorContract('strongdm', async () => {
  const fake = await startStrongDmFake();
  const connector = createProfileConnector({
    id: 'strongdm-test', vendor: 'strongdm', profile: await builtinProfile('strongdm'), params: { pageSize: 2 },
    baseUrl: fake.url, auth, timeoutMs: 1_000,
  }, { clock: systemClock });
  return {
    connector,
    faults: fake.faults,
    target: { kind: 'resource', ref: 'rs-0000pg01' },
    principals: ['a-alice', 'a-bob', 'a-carol', 'a-dave', 'a-erin', 'a-frank', 'a-grace'],
    permissions: [],
    pagedInventory: true,
    effects: () => fake.calls.effectCount(),
    close: async () => {
      connector.close();
      await fake.close();
    },
  };
});

describe('StrongDM connector: request signatures and role attachments', () => {
  let fake: Fake<StrongDmState>;
  beforeAll(async () => {
    fake = await startStrongDmFake();
  });
  afterAll(() => fake.close());
  const connect = async (secret: string) => createProfileConnector({
    id: 'strongdm-test', vendor: 'strongdm', profile: await builtinProfile('strongdm'), baseUrl: fake.url, auth: { ...auth, secret }, timeoutMs: 1_000,
  }, { clock: systemClock });

  it('signs every call the way the fake verifies; a wrong secret is 401 at the fake and is not retryable', async () => {
    const good = await connect('sdm-secret');
    const bad = await connect('c2RtLW90aGVy');
    try {
      expect(await good.grant({ target: { kind: 'resource', ref: 'rs-1' }, principal: 'a-1', permissions: [], idempotencyKey: 'k1' })).toMatchObject({ ok: true });
      const refused = await bad.grant({ target: { kind: 'resource', ref: 'rs-1' }, principal: 'a-2', permissions: [], idempotencyKey: 'k2' });
      expect(refused).toMatchObject({ ok: false, error: { failure: { kind: 'http', status: 401 } } });
      const last = fake.calls.all().at(-1)!;
      expect(last).toMatchObject({ method: 'POST', status: 401 });
      expect(fake.state.grants.size).toBe(1);
    } finally {
      good.close();
      bad.close();
    }
  });

  it('the signature covers method, path, body and the day: changing any of them is 401', async () => {
    const body = JSON.stringify({ accountGrant: { accountId: 'a-9', resourceId: 'rs-9' } });
    const send = (signature: string, sentBody = body) => fetch(`${fake.url}/v1/account-grants`, {
      method: 'POST', body: sentBody,
      headers: { 'content-type': 'application/json', 'x-sdm-authentication': 'sdm-access-key', 'x-sdm-signature': signature },
    });
    const yesterdayButOne = Date.now() - 2 * 86_400_000;
    expect((await send(signStrongDmRequest('sdm-secret', 'POST', '/v1/account-grants', body), body.replace('rs-9', 'rs-8'))).status).toBe(401);
    expect((await send(signStrongDmRequest('sdm-secret', 'PUT', '/v1/account-grants', body))).status).toBe(401);
    expect((await send(signStrongDmRequest('sdm-secret', 'POST', '/v1/account-attachments', body))).status).toBe(401);
    expect((await send(signStrongDmRequest('sdm-secret', 'POST', '/v1/account-grants', body, yesterdayButOne))).status).toBe(401);
    expect((await fetch(`${fake.url}/v1/account-grants`, { headers: { authorization: 'Bearer sdm-token' } })).status).toBe(401);
    expect((await send(signStrongDmRequest('sdm-secret', 'POST', '/v1/account-grants', body))).status).toBe(200);
  });

  it('grants a role as an account attachment, reads it back, lists it per role and revokes it by id', async () => {
    const c = await connect('sdm-secret');
    const role = { kind: 'role', ref: 'r-dba' } as const;
    try {
      const g = await c.grant({ target: role, principal: 'a-7', permissions: [], idempotencyKey: 'r1' });
      expect(g).toMatchObject({ ok: true, value: { alreadyDone: false } });
      expect(await c.readBack({ target: role, principal: 'a-7' })).toMatchObject({ ok: true, value: { present: true } });
      const pages = [];
      for await (const page of c.listInventory({ target: role })) pages.push(...page);
      expect(pages).toEqual([expect.objectContaining({ principal: 'a-7', target: role, externalId: g.ok ? g.value.externalId : '' })]);
      expect(await c.revoke({ target: role, principal: 'a-7', idempotencyKey: 'r2' })).toMatchObject({ ok: true, value: { alreadyDone: false } });
      expect(await c.readBack({ target: role, principal: 'a-7' })).toMatchObject({ ok: true, value: { present: false } });
      expect(fake.state.attachments.size).toBe(0);
    } finally {
      c.close();
    }
  });
});
