import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { desiredFinding } from '../../../gateway/domain/desired-finding.ts';
import { exceptFinding } from '../../../gateway/domain/finding-reconcile.ts';
import { newId } from '../../../gateway/domain/ids.ts';
import { applyDesiredFindings, readLiveFindings } from '../../../gateway/findings/finding-writer.ts';
import { openSqliteStore } from '../../../gateway/store/sqlite/sqlite-store.ts';
import type { Store } from '../../../gateway/store/store.ts';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-findings-'));
  store = await openSqliteStore({ file: path.join(dir, 'state.sqlite') });
});
afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const at = (minutes: number) => new Date(Date.parse('2026-06-01T12:00:00Z') + minutes * 60_000).toISOString();
const newFindingId = () => newId('finding', Date.now(), (n) => randomBytes(n));
const ownerless = (id: string) => desiredFinding('entitlement-without-owner', id, 'medium', { entitlementId: id }, `${id} has no owner`, {});
const apply = (desired: ReturnType<typeof ownerless>[], now: string, includes?: (f: { key: string }) => boolean) => store.transaction(async (tx) => {
  const existing = await readLiveFindings(tx, ['entitlement-without-owner']);
  return applyDesiredFindings(tx, existing, desired, { now, newId: newFindingId, scope: { kinds: ['entitlement-without-owner'], includes } });
});
const events = async () => (await store.events.readAfter(0, 1000)).filter((e) => e.type === 'finding.changed').map((e) => `${String(e.payload['key'])}:${String(e.payload['change'])}`);

describe('finding writer', () => {
  it('opens, refreshes quietly, resolves within scope only, and records each status change', async () => {
    expect(await apply([ownerless('ent_a'), ownerless('ent_b')], at(0))).toMatchObject({ opened: 2, refreshed: 0 });
    expect(await apply([ownerless('ent_a'), ownerless('ent_b')], at(1))).toMatchObject({ opened: 0, refreshed: 2 });
    expect(await events()).toEqual(['ent_a:opened', 'ent_b:opened']);
    expect(await apply([], at(2), (f) => f.key === 'ent_a')).toMatchObject({ resolved: 1 });
    expect((await store.findings.getByKey('entitlement-without-owner', 'ent_b'))?.status).toBe('open');
    const a = await store.findings.getByKey('entitlement-without-owner', 'ent_a');
    expect(a).toMatchObject({ status: 'resolved', resolvedAt: at(2), lastSeenAt: at(1) });
    expect(await apply([ownerless('ent_a'), ownerless('ent_b')], at(3))).toMatchObject({ opened: 1, refreshed: 1 });
    expect(await store.findings.getByKey('entitlement-without-owner', 'ent_a')).toMatchObject({ status: 'open', id: a!.id, firstSeenAt: at(3) });
    expect((await store.ledger.listBySubject(a!.id)).map((e) => e.action)).toEqual(['finding.opened', 'finding.resolved', 'finding.opened']);
  });

  it('keeps an exception until it expires, then the finding is open again', async () => {
    await apply([ownerless('ent_a')], at(0));
    const f = await store.findings.getByKey('entitlement-without-owner', 'ent_a');
    const excepted = exceptFinding(f!, { owner: 'carol', reason: 'reorg', until: at(60) }, at(1));
    if (!excepted.ok) throw new Error('not excepted');
    await store.findings.upsert(excepted.value);
    expect(await apply([ownerless('ent_a')], at(30))).toMatchObject({ refreshed: 1, exceptionExpired: 0 });
    expect((await store.findings.getByKey('entitlement-without-owner', 'ent_a'))?.status).toBe('excepted');
    expect(await apply([ownerless('ent_a')], at(61))).toMatchObject({ exceptionExpired: 1 });
    expect(await store.findings.getByKey('entitlement-without-owner', 'ent_a')).toMatchObject({ status: 'open', evidence: { expiredException: at(60) } });
    expect(await events()).toEqual(['ent_a:opened', 'ent_a:exceptionExpired']);
  });
});
