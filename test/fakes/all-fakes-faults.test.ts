import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeServer } from './fake-server.ts';
import { startCyberArkFake } from './cyberark/cyberark-fake.ts';
import { startBeyondTrustFake } from './beyondtrust/beyondtrust-fake.ts';
import { startDelineaFake } from './delinea/delinea-fake.ts';
import { startVaultFake } from './vault/vault-fake.ts';
import { startTeleportFake } from './teleport/teleport-fake.ts';
import { startStrongDmFake } from './strongdm/strongdm-fake.ts';
import { startEntraPimFake } from './entra/entra-pim-fake.ts';
import { startIgaNotificationFake } from './iga/iga-notification-fake.ts';
import { startFakeFleet } from './fake-fleet.ts';

/** Every fake, a path it serves (answered 401/403 without credentials), and its vendor error shape. */
const table: { name: string; start: () => Promise<FakeServer>; path: string; errorShape: (body: unknown) => boolean }[] = [
  { name: 'cyberark', start: () => startCyberArkFake(), path: '/PasswordVault/api/Safes', errorShape: (b) => typeof (b as { ErrorMessage?: unknown }).ErrorMessage === 'string' },
  { name: 'beyondtrust', start: () => startBeyondTrustFake(), path: '/BeyondTrust/api/public/v3/Requests', errorShape: (b) => typeof b === 'string' },
  { name: 'delinea', start: () => startDelineaFake(), path: '/SecretServer/api/v1/secret-permissions', errorShape: (b) => typeof (b as { message?: unknown }).message === 'string' },
  { name: 'vault', start: () => startVaultFake(), path: '/v1/sys/policies/acl', errorShape: (b) => Array.isArray((b as { errors?: unknown }).errors) },
  { name: 'teleport', start: () => startTeleportFake(), path: '/v1/access-requests', errorShape: (b) => typeof (b as { error?: { message?: unknown } }).error?.message === 'string' },
  { name: 'strongdm', start: () => startStrongDmFake(), path: '/v1/activities', errorShape: (b) => typeof (b as { message?: unknown }).message === 'string' },
  { name: 'entra-pim', start: () => startEntraPimFake(), path: '/v1.0/roleManagement/directory/roleAssignmentScheduleInstances', errorShape: (b) => typeof (b as { error?: { code?: unknown } }).error?.code === 'string' },
  { name: 'iga', start: () => startIgaNotificationFake(), path: '/scim/v2/Users/x', errorShape: (b) => (b as { status?: unknown }).status === '503' },
];

describe.each(table)('$name fake under faults', ({ start, path, errorShape }) => {
  let fake: FakeServer;
  beforeAll(async () => {
    fake = await start();
  });
  afterAll(() => fake.close());
  const get = (signal?: AbortSignal) => fetch(`${fake.url}${path}`, { signal });

  it('answers 503 in its error shape, then serves again', async () => {
    fake.faults.next({ status: 503 });
    const res = await get();
    expect(res.status).toBe(503);
    expect(errorShape(await res.json())).toBe(true);
    expect([401, 403]).toContain((await get()).status);
  });

  it('answers 429 with Retry-After', async () => {
    fake.faults.next({ status: 429, retryAfter: 3 });
    const res = await get();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
  });

  it('hangs, drops and is slow on demand', async () => {
    fake.faults.next({ hang: true }).next({ drop: true }).next({ delayMs: 50 });
    await expect(get(AbortSignal.timeout(200))).rejects.toThrow();
    await expect(get()).rejects.toThrow();
    expect([401, 403]).toContain((await get()).status);
    expect(fake.calls.all().slice(-3).map((c) => c.fault)).toEqual(['hang', 'drop', 'delay:50']);
  });

  it('goes down and comes back', async () => {
    await fake.faults.down();
    await expect(get()).rejects.toThrow();
    await fake.faults.up();
    expect([401, 403]).toContain((await get()).status);
  });
});

describe('fake fleet', () => {
  it('starts every fake on its own port and closes them all', async () => {
    const fleet = await startFakeFleet();
    const urls = [fleet.cyberark, fleet.beyondtrust, fleet.delinea, fleet.vault, fleet.teleport, fleet.strongdm, fleet.entra, fleet.iga].map((f) => f.url);
    expect(new Set(urls).size).toBe(8);
    await fleet.close();
    await expect(fetch(`${fleet.vault.url}/v1/sys/policies/acl`)).rejects.toThrow();
  });
});
