import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../gateway/store/postgres/postgres-store.ts';
import type { Store } from '../../../gateway/store/store.ts';
import { PG_URL, freshSchema } from '../store/pg-schema.ts';
import { eventually } from '../intake/harness.ts';
import { cyberArk, dispatcher, enqueueGrants, statusCounts } from './outbox-harness.ts';

let schema: Awaited<ReturnType<typeof freshSchema>>;
let stores: Store[] = [];
let ca: Awaited<ReturnType<typeof cyberArk>>;

beforeEach(async () => {
  schema = await freshSchema();
  ca = await cyberArk(2_000);
});
afterEach(async () => {
  ca.connector.close();
  await ca.fake.close();
  for (const s of stores) if (s.isReady()) await s.close();
  stores = [];
  await schema.drop();
});

describe('outbox dispatcher on PostgreSQL (two replicas)', () => {
  it('two dispatchers drain one queue together: every intent delivered once, each side effect once', async () => {
    const open = async () => {
      const s = await openPostgresStore({ connectionString: PG_URL, schema: schema.schema });
      stores.push(s);
      return s;
    };
    const a = await open();
    const b = await open();
    const principals = Array.from({ length: 30 }, (_, i) => `pg${i}`);
    await enqueueGrants(a, principals);
    ca.fake.faults.always({ delayMs: 5 }, { method: 'POST', path: /Members$/ });
    const da = dispatcher(a, ca.connector, { owner: 'replica-a' });
    const db = dispatcher(b, ca.connector, { owner: 'replica-b' });
    da.start();
    db.start();
    await eventually(async () => (await statusCounts(a)).delivered === 30, 20_000);
    await Promise.all([da.stop(), db.stop()]);
    expect(ca.fake.state.memberNames('Finance').sort()).toEqual([...principals].sort());
    expect(ca.fake.calls.count({ method: 'POST', path: /Members$/ })).toBe(30);
    expect([...ca.fake.calls.effectsByKey().values()].every((n) => n === 1)).toBe(true);
  });
});
