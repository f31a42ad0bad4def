import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DryRunResult, MappingsOverview, SaveMappingResult, ValidationResult } from '../../../console/shared/api-types.ts';
import { type AdminGateway, startAdminGateway } from './admin-harness.ts';

let h: AdminGateway;
beforeAll(async () => {
  h = await startAdminGateway();
});
afterAll(async () => {
  await h?.gw.stop();
});

const DRY_RUN = `kind: entitlement
operation: grant
now: '2024-06-01T00:00:00Z'
entitlement:
  connectorId: sailpoint
  displayName: PAM-PRD_Oracle-Users
  governance: { owner: alice, lastCertifiedAt: '2024-01-15T00:00:00Z', reviewCadenceDays: 90, breakGlass: false, nonHuman: false }
identity: { userName: bob, kind: human, active: true }
connectors:
  cyberark-prod: { profile: cyberark }
`;

describe('mappings through the admin API', () => {
  it('lists the set in use and the editable files', async () => {
    const body = (await (await h.api('/mappings')).json()) as MappingsOverview;
    expect(body.version).toBe(1);
    expect(body.files).toEqual([{ file: 'cyberark-safes.yaml', editable: true }]);
    expect(body.mappings).toEqual([expect.objectContaining({ name: 'cyberark-safes', connector: 'sailpoint', mode: 'standing' })]);
    expect(body.profiles).toContain('cyberark');
    const file = await (await h.api('/mappings/file?file=cyberark-safes.yaml')).json();
    expect(file.text).toContain('kind: EntitlementMapping');
    expect((await h.api('/mappings/file?file=../lockstep.json')).status).toBe(400);
    expect((await h.api('/mappings/file?file=missing.yaml')).status).toBe(404);
  });

  it('validates edited text with file:line:column errors and accepts a valid file', async () => {
    const original = readFileSync(path.join(h.mappingsDir, 'cyberark-safes.yaml'), 'utf8');
    const broken = original.replace('mode: standing', 'mode: sometimes');
    const line = broken.split('\n').findIndex((l) => l.includes('mode: sometimes')) + 1;
    const r = (await (await h.api('/mappings/validate', { body: { file: 'cyberark-safes.yaml', text: broken } })).json()) as ValidationResult;
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ file: 'cyberark-safes.yaml', line, column: expect.any(Number) });
    expect(r.errors[0]!.message).toContain('access.mode');
    const yaml = (await (await h.api('/mappings/validate', { body: { file: 'cyberark-safes.yaml', text: 'kind: [unclosed' } })).json()) as ValidationResult;
    expect(yaml).toMatchObject({ ok: false, errors: [expect.objectContaining({ line: 1, message: expect.stringContaining('invalid YAML') })] });
    const good = await (await h.api('/mappings/validate', { body: { file: 'cyberark-safes.yaml', text: original } })).json();
    expect(good).toMatchObject({ ok: true, mappings: 1 });
  });

  it('saves a valid file atomically and reloads; refuses an invalid one and keeps the set in use', async () => {
    const original = readFileSync(path.join(h.mappingsDir, 'cyberark-safes.yaml'), 'utf8');
    const copy = original.replace('name: cyberark-safes', 'name: cyberark-safes-copy');
    const saved = await h.api('/mappings/file', { method: 'PUT', body: { file: 'team/copy.yaml', text: copy } });
    expect(saved.status).toBe(200);
    // The version is the registry's: the gateway's file watcher may reload once more after the save.
    const savedResult = (await saved.json()) as SaveMappingResult;
    expect(savedResult).toEqual({ ok: true, version: expect.any(Number) });
    expect(readFileSync(path.join(h.mappingsDir, 'team/copy.yaml'), 'utf8')).toBe(copy);
    const names = ((await (await h.api('/mappings')).json()) as MappingsOverview).mappings.map((m) => m.name);
    expect(names.sort()).toEqual(['cyberark-safes', 'cyberark-safes-copy']);
    const refused = await h.api('/mappings/file', { method: 'PUT', body: { file: 'team/copy.yaml', text: 'kind: Nope\n' } });
    expect(refused.status).toBe(422);
    expect(readFileSync(path.join(h.mappingsDir, 'team/copy.yaml'), 'utf8')).toBe(copy);
    const after = (await (await h.api('/mappings')).json()) as MappingsOverview;
    expect(after.mappings.map((m) => m.name).sort()).toEqual(['cyberark-safes', 'cyberark-safes-copy']);
  });

  it('dry-runs an entitlement change step by step, and reports input errors with positions', async () => {
    const r = (await (await h.api('/mappings/dry-run', { body: { text: DRY_RUN } })).json()) as DryRunResult;
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.trace.steps.some((s) => s.step === 'mapping' && s.outcome === 'matched' && s.detail.includes('cyberark-safes'))).toBe(true);
    expect(r.trace.requests.length).toBeGreaterThan(0);
    const bad = (await (await h.api('/mappings/dry-run', { body: { text: 'kind: entitlement\noperation: maybe\n' } })).json()) as DryRunResult;
    expect(bad.ok).toBe(false);
    const asObject = await h.api('/mappings/dry-run', { body: { input: { kind: 'nonsense' } } });
    expect(asObject.status).toBe(400);
  });

  it('reports mapping health per connector and mapping', async () => {
    const now = new Date().toISOString();
    const id = 'obx_01JZZZZZZZZZZZZZZZZZZZZZZZ' as const;
    await h.gw.store.outbox.enqueue({ id, connectorId: 'sailpoint', action: 'notify-iga', idempotencyKey: 'health-test', payload: {}, status: 'queued', attempts: 0, nextAttemptAt: now, createdAt: now, updatedAt: now });
    await h.gw.store.outbox.markDelivered(id, now);
    const body = await (await h.api('/mapping-health')).json();
    expect(body.connectors.find((c: { connectorId: string }) => c.connectorId === 'sailpoint')).toMatchObject({ lastDeliveredAt: now, outbox: { delivered: 1 } });
    const cyberark = body.connectors.find((c: { connectorId: string }) => c.connectorId === 'cyberark-prod');
    expect(cyberark).toMatchObject({ kind: 'pam', pending: expect.any(Number), deadLetters: expect.any(Number) });
    expect(cyberark.pending + cyberark.deadLetters).toBe(2);
    expect(body.mappings.find((m: { mapping: string }) => m.mapping === 'cyberark-safes')).toMatchObject({ connectors: ['sailpoint', 'cyberark-prod'], openFindings: 1 });
    // The seeded dead letter fails the connector and the mapping; the open mapping-unresolved finding degrades the mapping.
    expect(cyberark).toMatchObject({ status: 'failing', errors: { deadLetters: 1, lastOutboxError: { status: 'abandoned', error: 'HTTP 503 from CyberArk after 8 attempts' } } });
    expect(cyberark.reasons[0]).toBe('1 dead letter');
    const mapping = body.mappings.find((m: { mapping: string }) => m.mapping === 'cyberark-safes');
    expect(mapping.status).toBe('failing');
    expect(mapping.reasons).toEqual(expect.arrayContaining(['1 open mapping-unresolved finding', 'cyberark-prod: 1 dead letter']));
    expect(body.connectors.find((c: { connectorId: string }) => c.connectorId === 'sailpoint')).toMatchObject({ errors: { handled: 1, errors: 0, rate: 0 } });
  });
});
