/**
 * Faults at the PAM side (5xx, 429 with Retry-After, hang, reset, reset after the effect, slow, down) and in the
 * gateway's own configuration: what was accepted is delivered once when the fault clears, the gateway stays up,
 * and readiness and metrics say what is wrong.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fault } from '../fakes/index.ts';
import { type FaultWorld, createFaultWorld, until } from '../support/reliability/fault-world.ts';
import { reportFigure, TEST_TIMEOUT_MS } from '../support/reliability/profile.ts';
import { duplicateEffects, removalsWithoutReadBack } from '../support/reliability/state-check.ts';
import { PATCH_SCHEMA, USER_SCHEMA } from '../support/reliability/traffic.ts';


let w: FaultWorld;
beforeAll(async () => {
  w = await createFaultWorld();
}, 60_000);
afterAll(async () => w?.close());

const MEMBERS = { method: 'POST', path: /\/Safes\/[^/]+\/Members$/i };
const MEMBER = { method: 'DELETE', path: /\/Safes\/[^/]+\/Members\/[^/]+$/i };
const hasMember = (safe: string, user: string) => w.fake.state.safe(safe)?.members.has(`corp\\${user}`.toLowerCase()) ?? false;

describe('PAM faults', { timeout: TEST_TIMEOUT_MS }, () => {
  const faults: [string, Fault, number][] = [
    ['500', { status: 500 }, 3],
    ['503', { status: 503 }, 2],
    ['429 + Retry-After', { status: 429, retryAfter: 1 }, 2],
    ['hang', { hang: true }, 1],
    ['reset', { drop: true }, 2],
    ['reset after the effect', { drop: 'after' }, 1],
    ['hang after the effect', { hang: 'after' }, 1],
    ['slow', { delayMs: 400 }, 1],
  ];

  it.each(faults)('grant through %s: delivered once when the fault clears, gateway up', async (name, fault, times) => {
    const safe = `F${faults.findIndex(([n]) => n === name)}`;
    const user = `fault-${safe.toLowerCase()}`;
    w.fake.faults.next(fault, times, MEMBERS);
    const r = await w.grant(safe, user);
    expect(r.status).toBeLessThan(300);
    expect((await fetch(`${w.url}/healthz`)).status).toBe(200);
    await until(() => hasMember(safe, user), 25_000, `${user} in safe ${safe}`);
    expect(w.fake.faults.pending()).toBe(0);
    expect(duplicateEffects(w.fake.calls)).toEqual([]);
  });

  it('a revocation through 5xx and resets is retried, applied once and read back', async () => {
    const safe = 'RV';
    const r = await w.grant(safe, 'revokee');
    await until(() => hasMember(safe, 'revokee'), 20_000, 'grant before revoke');
    w.fake.faults.next({ status: 502 }, 2, MEMBER).next({ drop: 'after' }, 1, MEMBER);
    const patch = await w.scim('PATCH', `/Groups/${r.groupId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'remove', path: `members[value eq "${r.userId}"]` }] });
    expect(patch.status).toBeLessThan(300);
    await until(() => !hasMember(safe, 'revokee'), 25_000, 'revocation at PAM');
    await until(() => removalsWithoutReadBack(w.fake.calls).length === 0, 10_000, 'read-back after the removal');
    expect(duplicateEffects(w.fake.calls)).toEqual([]);
  });

  it('PAM down: accepted changes wait in the outbox, the circuit opens, metrics say so; delivered when it is back', async () => {
    await w.fake.faults.down('refuse');
    const users = ['down-1', 'down-2', 'down-3'];
    for (const u of users) expect((await w.grant('DOWN', u)).status).toBeLessThan(300);
    const metrics = await until(async () => {
      const m = await w.metrics();
      return /lockstep_outbox_circuit_state\{[^}]*connector="cyberark-prod"[^}]*\} [12]/.test(m) ? m : undefined;
    }, 15_000, 'circuit open in metrics');
    expect(metrics).toMatch(/lockstep_outbox_attempts_total\{[^}]*outcome="retry"[^}]*\} [1-9]/);
    expect((await fetch(`${w.url}/healthz`)).status).toBe(200);
    await w.fake.faults.up();
    await until(() => users.every((u) => hasMember('DOWN', u)), 30_000, 'delivery after PAM is back');
    expect(duplicateEffects(w.fake.calls)).toEqual([]);
    reportFigure('faults-pam', { fakeCalls: w.fake.calls.length, injected: w.fake.faults.injected(), effects: w.fake.calls.effectCount() });
  });
});

describe('outbound host pinning', { timeout: TEST_TIMEOUT_MS }, () => {
  it.each([307, 302, 308])('a %i redirect to another host is refused (dead letter, nothing sent there); replayed, it lands at the configured host', async (status) => {
    const strangerCalls: string[] = [];
    const stranger = http.createServer((req, res) => {
      strangerCalls.push(`${req.method} ${req.url}`);
      res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => stranger.listen(0, '127.0.0.1', r));
    try {
      const port = (stranger.address() as AddressInfo).port;
      const safe = `REDIR${status}`;
      const user = `redirected-${status}`;
      w.fake.faults.next({ status, headers: { location: `http://127.0.0.1:${port}/PasswordVault/API/Safes/${safe}/Members` } }, 1, MEMBERS);
      expect((await w.grant(safe, user)).status).toBeLessThan(300);
      const dead = await until(async () => {
        const page = await w.gateway.store.outbox.list({ status: 'abandoned', connectorId: 'cyberark-prod' as never }, { startIndex: 1, count: 100 });
        return page.items.find((m) => (m.lastError ?? '').includes('redirect'));
      }, 20_000, 'the redirected call as a dead letter');
      expect(dead.lastError).toMatch(/refused redirect/);
      expect(strangerCalls).toEqual([]);
      expect(hasMember(safe, user)).toBe(false);
      const replay = await fetch(`${w.url}/api/v1/outbox/replay`, {
        method: 'POST', headers: { authorization: `Bearer ${w.gateway.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ id: dead.id }),
      });
      expect(replay.status).toBeLessThan(300);
      await until(() => hasMember(safe, user), 20_000, 'delivery at the configured host after replay');
      expect(strangerCalls).toEqual([]);
      expect(duplicateEffects(w.fake.calls)).toEqual([]);
    } finally {
      stranger.closeAllConnections();
      await new Promise((r) => stranger.close(r));
    }
  });
});

describe('configuration edited into an invalid state while running', { timeout: TEST_TIMEOUT_MS }, () => {
  it('readiness 503 with the reason, last good configuration still serving, metrics count it; ready again when fixed', async () => {
    const good = readFileSync(w.configPath, 'utf8');
    writeFileSync(w.configPath, '{"connectors": [ {"id": "x", "kind": "pamm"');
    const ready = await until(async () => {
      const res = await fetch(`${w.url}/readyz`);
      const text = await res.text();
      return res.status === 503 ? text : undefined;
    }, 15_000, 'readiness 503');
    expect(ready).toMatch(/configuration file is invalid/);
    const created = await w.scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'during-bad-config' });
    expect(created.status).toBe(201);
    expect(await w.metrics()).toMatch(/lockstep_config_reloads_total\{[^}]*result="invalid"[^}]*\} [1-9]/);
    writeFileSync(w.configPath, good);
    await until(async () => (await fetch(`${w.url}/readyz`)).status === 200, 15_000, 'ready again');
    expect((await w.gateway.store.identities.get(created.body!.id as never))?.userName).toBe('during-bad-config');
  });
});
