/**
 * Revocation propagation (issue 6): the real gateway (SCIM, sync engine, SQLite) with the intake/outbox
 * services; the CyberArk fake runs in a child process (this file, forked), so that it does not share the event
 * loop with the gateway.
 * - Latency: from the IGA's SCIM PATCH response (member removed; the PATCH is sent from the child, so both instants
 *   are read on one clock) to the fake receiving the DELETE of that safe member, one removal at a time; baseline: a bare HTTP DELETE round trip from this process to the same fake.
 * - Drain: 10,000 members of one group (seeded in the store and at the fake), the group deleted over SCIM, until
 *   the fake has received all 10,000 DELETEs (and until all 10,000 revocations are verified by read-back);
 *   baseline: 10,000 bare DELETEs to the fake at the dispatcher's concurrency.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { newId, type IdentityId } from '../gateway/domain/ids.ts';
import { Scim, waitFor } from '../test/e2e/sync-client.ts';
import { startFakes, startSyncHarness, type FakeUrls } from '../test/e2e/sync-harness.ts';
import { startCyberArkFake } from '../test/fakes/cyberark/cyberark-fake.ts';
import type { BenchReport } from './run.ts';

const CHILD_FLAG = '--revocation-bench-fake';
const hires = { now: () => performance.timeOrigin + performance.now() };
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const CONCURRENCY = 16;

type AskBody = { cmd: 'patch'; url: string; token: string; body: unknown } | { cmd: 'put'; safe: string; names: string[] } | { cmd: 'deletes' } | { cmd: 'deletedAt'; name: string } | { cmd: 'members'; safe: string } | { cmd: 'stop' };
type Ask = AskBody & { id: number };

if (process.argv.includes(CHILD_FLAG)) {
  const fake = await startCyberArkFake({ clock: hires });
  for (const safe of ['Finance', 'Payroll', 'Ops']) fake.state.addSafe(safe);
  const deletedAt = new Map<string, number>();
  let deletes = 0;
  let seen = 0;
  const scan = () => {
    const all = fake.calls.all();
    for (; seen < all.length; seen++) {
      const c = all[seen]!;
      if (c.method !== 'DELETE') continue;
      deletes += 1;
      const name = c.path.split('/').pop()!;
      if (!deletedAt.has(name)) deletedAt.set(name, c.at);
    }
  };
  process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);
  process.on('message', async (m: Ask) => {
    scan();
    let value: unknown;
    if (m.cmd === 'patch') {
      const res = await fetch(m.url, { method: 'PATCH', headers: { authorization: `Bearer ${m.token}`, 'content-type': 'application/scim+json' }, body: JSON.stringify(m.body) });
      await res.arrayBuffer();
      value = res.status < 300 ? hires.now() : -res.status;
    }
    if (m.cmd === 'put') for (const n of m.names) fake.state.putMember(m.safe, { memberName: n, permissions: { useAccounts: true } });
    if (m.cmd === 'deletes') value = deletes;
    if (m.cmd === 'deletedAt') value = deletedAt.get(m.name);
    if (m.cmd === 'members') value = fake.state.memberNames(m.safe).length;
    if (m.cmd === 'stop') await fake.close();
    process.send?.({ id: m.id, value });
    if (m.cmd === 'stop') process.exit(0);
  });
}

class Child {
  private seq = 0;
  private readonly waiting = new Map<number, (v: unknown) => void>();
  constructor(readonly proc: ChildProcess, readonly url: string) {
    proc.on('message', (m: { id: number; value: unknown }) => this.waiting.get(m.id)?.(m.value));
  }
  ask<T>(m: AskBody): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve) => {
      this.waiting.set(id, (v) => {
        this.waiting.delete(id);
        resolve(v as T);
      });
      this.proc.send({ ...m, id });
    });
  }
}

async function startChild(): Promise<Child> {
  const proc = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const [line] = (await once(proc.stdout!, 'data')) as [Buffer];
  return new Child(proc, (JSON.parse(line.toString()) as { url: string }).url);
}

async function caToken(url: string): Promise<string> {
  const r = await fetch(`${url}/PasswordVault/API/auth/Cyberark/Logon`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'lockstep', password: 'secret' }) });
  return JSON.parse(await r.text()) as string;
}

export default async function revocationBench(report: BenchReport): Promise<void> {
  const child = await startChild();
  const others = await startFakes();
  const urls: FakeUrls = { ...others, cyberark: { url: child.url } };
  const h = await startSyncHarness(urls, { concurrency: CONCURRENCY });
  try {
    const scim = new Scim(h.url, await h.scimToken('sailpoint'));
    const governance = { owner: 'alice', lastCertified: new Date().toISOString(), reviewCadenceDays: 90 };
    const token = await caToken(child.url);
    const bareDelete = async (safe: string, name: string) => (await fetch(`${child.url}/PasswordVault/api/Safes/${safe}/Members/${name}`, { method: 'DELETE', headers: { authorization: token } })).arrayBuffer();

    const n = 200;
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await scim.user(`lat${i}`));
    const group = await scim.group('PAM-Finance-Users', governance, ids);
    await waitFor('latency members granted', async () => (await child.ask<number>({ cmd: 'members', safe: 'Finance' })) >= n, 60_000);
    const ours: number[] = [];
    const scimToken = await h.scimToken('sailpoint');
    for (let i = 0; i < n; i++) {
      const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'remove', path: `members[value eq "${ids[i]}"]` }] };
      const t0 = await child.ask<number>({ cmd: 'patch', url: `${h.url}/scim/v2/Groups/${group}`, token: scimToken, body });
      if (t0 < 0) throw new Error(`PATCH answered ${-t0}`);
      const at = await waitFor(`revoke of lat${i}`, () => child.ask<number | undefined>({ cmd: 'deletedAt', name: `lat${i}` }), 10_000);
      ours.push(at - t0);
    }
    await child.ask({ cmd: 'put', safe: 'Payroll', names: Array.from({ length: n }, (_, i) => `bare${i}`) });
    const bare: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = hires.now();
      await bareDelete('Payroll', `bare${i}`);
      bare.push(hires.now() - t0);
    }
    report({ name: 'revocation propagation p50 (SCIM PATCH → PAM DELETE)', value: pct(ours, 50), unit: 'ms', baseline: pct(bare, 50), target: '≤ 25 ms', met: pct(ours, 50) <= 25 });
    report({ name: 'revocation propagation p99', value: pct(ours, 99), unit: 'ms', baseline: pct(bare, 99), target: '≤ 100 ms', met: pct(ours, 99) <= 100 });

    const total = 10_000;
    await child.ask({ cmd: 'put', safe: 'Payroll', names: Array.from({ length: total }, (_, i) => `b${i}`) });
    const b0 = hires.now();
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) await bareDelete('Payroll', `b${next++}`);
    }));
    const bareDrain = hires.now() - b0;
    const drainGroup = await scim.group('PAM-Ops-Users', governance, []);
    const now = new Date().toISOString();
    await h.gw.store.transaction(async (tx) => {
      for (let i = 0; i < total; i++) {
        const id = newId('identity', Date.now(), random) as IdentityId;
        const userName = `d${i}`;
        await tx.identities.insert({ id, connectorId: 'sailpoint', userName, kind: 'human', active: true, resource: { userName }, version: 1, createdAt: now, updatedAt: now });
        await tx.assignments.insert({ id: newId('assignment', Date.now(), random), connectorId: 'sailpoint', entitlementId: drainGroup as never, identityId: id, approvedAt: now, status: 'active', sessionCount: 0, updatedAt: now });
      }
    });
    await child.ask({ cmd: 'put', safe: 'Ops', names: Array.from({ length: total }, (_, i) => `d${i}`) });
    const deletesBefore = await child.ask<number>({ cmd: 'deletes' });
    const verifiedBefore = (await h.gw.store.revocations.list({ status: 'verified' }, { startIndex: 1, count: 1 })).totalResults;
    const del = await fetch(`${h.url}/scim/v2/Groups/${drainGroup}`, { method: 'DELETE', headers: { authorization: `Bearer ${await h.scimToken('sailpoint')}` } });
    const t0 = hires.now();
    if (del.status !== 204) throw new Error(`DELETE group answered ${del.status}`);
    const budget = 30_000;
    let done = 0;
    while (hires.now() - t0 < budget) {
      done = (await child.ask<number>({ cmd: 'deletes' })) - deletesBefore;
      if (done >= total) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const elapsed = hires.now() - t0;
    const drained = done >= total ? elapsed : (elapsed * total) / Math.max(1, done);
    const verifiedNow = (await h.gw.store.revocations.list({ status: 'verified' }, { startIndex: 1, count: 1 })).totalResults - verifiedBefore;

    const projected = done >= total ? '' : ` (projected: ${done} in ${(elapsed / 1000).toFixed(0)} s)`;
    report({ name: `drain 10,000 revocations (group delete → PAM DELETEs)${projected}`, value: drained / 1000, unit: 's', baseline: bareDrain / 1000, target: '≤ 10 s', met: drained <= 10_000 });
    report({ name: `revocations verified by read-back after ${(elapsed / 1000).toFixed(0)} s`, value: verifiedNow, unit: 'of 10,000' });
  } finally {
    await h.stop();
    await others.close();
    await child.ask({ cmd: 'stop' });
  }
}
