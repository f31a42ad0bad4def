/**
 * The PAM connector contract (Teleport's access plugins; one suite, every implementation): each connector runs
 * this against its vendor fake. Grant and revoke are idempotent ("already exists" and "not found" mean done),
 * read-back reflects both, inventory pages through everything, an expired session or token is renewed, and
 * failures are classified for the outbox (retryable or not).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultInjector } from '../fakes/index.ts';
import { ConnectorCallError, isRetryableError, type ConnectorResult, type ObservedAccess, type PamConnector, type TargetRef } from '../../gateway/connectors/pam-connector.ts';

/** What a vendor may lack (its profile has no such action): the contract then checks it is refused, not faked. */
export type ContractCapability = 'grant' | 'revoke' | 'read-back' | 'list-inventory';

export interface ConnectorContractSetup {
  readonly connector: PamConnector;
  readonly faults: FaultInjector;
  /** A target that exists at the fake and may be granted on. */
  readonly target: TargetRef;
  /** Principals known to the fake, at least 6 (more than two inventory pages). */
  readonly principals: readonly string[];
  readonly permissions: readonly string[];
  /** True when the vendor pages its inventory and `principals` span several pages at the profile's page size. */
  readonly pagedInventory: boolean;
  /** State changes the fake has made so far (its call log's effect count). */
  effects(): number;
  /** Session and token vendors: makes the fake forget every session or token it issued, and counts log-ons. */
  readonly sessions?: { expire(): void; logons(): number } | undefined;
  /** Capabilities the vendor does not have; each must fail permanently without calling the vendor. */
  readonly unsupported?: readonly ContractCapability[] | undefined;
  /** A harmless, repeatable call for the failure classification test (default: read-back of principals[0]). */
  readonly probe?: (() => Promise<ConnectorResult<unknown>>) | undefined;
  close(): Promise<void>;
}

async function collect(it: AsyncIterable<readonly ObservedAccess[]>): Promise<ObservedAccess[][]> {
  const pages: ObservedAccess[][] = [];
  for await (const page of it) pages.push([...page]);
  return pages;
}

export function runConnectorContract(name: string, setup: () => Promise<ConnectorContractSetup>): void {
  describe(`PAM connector contract: ${name}`, () => {
    let s: ConnectorContractSetup;
    beforeAll(async () => {
      s = await setup();
    });
    afterAll(async () => {
      await s?.close();
    });
    const key = (what: string) => `contract:${name}:${what}`;
    const lacks = (...c: ContractCapability[]) => c.some((x) => s.unsupported?.includes(x));

    it('is healthy', async () => {
      expect((await s.connector.checkHealth()).ok).toBe(true);
    });

    it('grants idempotently: a second grant is "already done", the fake changed once, read-back shows it', async () => {
      if (lacks('grant', 'read-back')) return;
      const p = s.principals[0]!;
      const before = s.effects();
      const first = await s.connector.grant({ target: s.target, principal: p, permissions: s.permissions, idempotencyKey: key('g1') });
      expect(first).toMatchObject({ ok: true, value: { alreadyDone: false } });
      const second = await s.connector.grant({ target: s.target, principal: p, permissions: s.permissions, idempotencyKey: key('g1') });
      expect(second).toMatchObject({ ok: true, value: { alreadyDone: true } });
      expect(s.effects() - before).toBe(1);
      expect(await s.connector.readBack({ target: s.target, principal: p })).toMatchObject({ ok: true, value: { present: true } });
    });

    it('revokes idempotently: read-back reflects it, a second revoke is "already done"', async () => {
      if (lacks('grant', 'revoke', 'read-back')) return;
      const p = s.principals[1]!;
      const before = s.effects();
      const g = await s.connector.grant({ target: s.target, principal: p, permissions: s.permissions, idempotencyKey: key('g2') });
      expect(g.ok).toBe(true);
      const externalId = g.ok ? g.value.externalId : undefined;
      const r1 = await s.connector.revoke({ target: s.target, principal: p, externalId, idempotencyKey: key('r2') });
      expect(r1).toMatchObject({ ok: true, value: { alreadyDone: false } });
      expect(await s.connector.readBack({ target: s.target, principal: p })).toMatchObject({ ok: true, value: { present: false } });
      const r2 = await s.connector.revoke({ target: s.target, principal: p, externalId, idempotencyKey: key('r2') });
      expect(r2).toMatchObject({ ok: true, value: { alreadyDone: true } });
      expect(s.effects() - before).toBe(2);
    });

    it('pages through the whole inventory', async () => {
      if (lacks('grant', 'revoke', 'list-inventory')) return;
      const rest = s.principals.slice(2);
      for (const [i, p] of rest.entries()) {
        expect((await s.connector.grant({ target: s.target, principal: p, permissions: s.permissions, idempotencyKey: key(`inv${i}`) })).ok).toBe(true);
      }
      const pages = await collect(s.connector.listInventory({ target: s.target }));
      if (s.pagedInventory) expect(pages.length).toBeGreaterThan(1);
      const seen = pages.flat().map((a) => a.principal.toLowerCase());
      for (const p of [s.principals[0]!, ...rest]) expect(seen).toContain(p.toLowerCase());
      expect(seen).not.toContain(s.principals[1]!.toLowerCase());
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('logs on again when the session or token has expired', async () => {
      if (!s.sessions || lacks('read-back')) return;
      const before = s.sessions.logons();
      s.sessions.expire();
      expect(await s.connector.readBack({ target: s.target, principal: s.principals[0]! })).toMatchObject({ ok: true, value: { present: true } });
      expect(s.sessions.logons()).toBe(before + 1);
    });

    it('classifies failures: 5xx, 429 (with Retry-After), timeouts and resets are retryable; other 4xx are not', async () => {
      const probe = s.probe ?? (() => s.connector.readBack({ target: s.target, principal: s.principals[0]! }));
      s.faults.next({ status: 503 });
      const unavailable = await probe();
      expect(unavailable.ok).toBe(false);
      if (!unavailable.ok) {
        expect(unavailable.error.failure).toMatchObject({ kind: 'http', status: 503 });
        expect(isRetryableError(unavailable.error)).toBe(true);
      }
      s.faults.next({ status: 429, retryAfter: 7 });
      const limited = await probe();
      expect(!limited.ok && limited.error.failure).toMatchObject({ kind: 'http', status: 429, retryAfter: '7' });
      s.faults.next({ status: 400 });
      const bad = await probe();
      expect(!bad.ok && isRetryableError(bad.error)).toBe(false);
      s.faults.next({ drop: true });
      const reset = await probe();
      expect(!reset.ok && reset.error.failure.kind).toBe('network');
      s.faults.next({ hang: true });
      const hung = await probe();
      expect(!hung.ok && hung.error.failure.kind).toBe('timeout');
      expect((await probe()).ok).toBe(true);
    });

    it('refuses what the vendor lacks permanently, without calling it', async () => {
      if (!s.unsupported?.length) return;
      const target = s.target;
      const principal = s.principals[0]!;
      const calls: Record<ContractCapability, () => Promise<ConnectorResult<unknown>>> = {
        grant: () => s.connector.grant({ target, principal, permissions: s.permissions, idempotencyKey: key('unsupported-grant') }),
        revoke: () => s.connector.revoke({ target, principal, externalId: 'x-1', idempotencyKey: key('unsupported-revoke') }),
        'read-back': () => s.connector.readBack({ target, principal }),
        'list-inventory': async () => {
          try {
            for await (const page of s.connector.listInventory({ target })) return { ok: true, value: page };
            return { ok: true, value: [] };
          } catch (e) {
            if (e instanceof ConnectorCallError) return { ok: false, error: e.error };
            throw e;
          }
        },
      };
      s.faults.always({ status: 503 });
      try {
        for (const c of s.unsupported) {
          const r = await calls[c]();
          expect(r.ok, c).toBe(false);
          if (!r.ok) {
            expect(r.error.failure.kind, c).toBe('permanent');
            expect(isRetryableError(r.error), c).toBe(false);
          }
        }
      } finally {
        s.faults.clear();
      }
    });
  });
}
