import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStoreLedger } from '../../../gateway/ledger/verify-store-ledger.ts';
import type { Conflict, Finding, HealthSummary, PageOf, ResolveConflictResult } from '../../../console/shared/api-types.ts';
import { type AdminGateway, IGA_SECRET, PAM_SECRET, startAdminGateway } from './admin-harness.ts';

let h: AdminGateway;
beforeAll(async () => {
  h = await startAdminGateway();
});
afterAll(async () => {
  await h?.gw.stop();
});

describe('admin API authentication and CSRF', () => {
  it('refuses requests without or with a wrong bearer token, on every kind of route', async () => {
    for (const p of ['/health', '/findings', '/events', '/mappings', '/ledger/verify']) {
      const none = await fetch(`${h.gw.url}/api/v1${p}`);
      expect(none.status, p).toBe(401);
      expect((await none.json()).error.code).toBe('unauthorized');
      const wrong = await h.api(p, { headers: { authorization: 'Bearer lsa_wrongwrongwrong' } });
      expect(wrong.status, p).toBe(401);
    }
    const cookieOnly = await fetch(`${h.gw.url}/api/v1/health`, { headers: { cookie: `token=${h.token}` } });
    expect(cookieOnly.status).toBe(401);
  });

  it('refuses a form post, a cross-site origin and a cross-site fetch even with a valid token', async () => {
    const form = await h.api('/outbox/replay', { method: 'POST', body: 'all=true', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    const plain = await h.api('/outbox/replay', { method: 'POST', body: '{"all":true}', headers: { 'content-type': 'text/plain' } });
    expect(plain.status).toBe(415);
    const evil = await h.api('/outbox/replay', { body: { all: true }, headers: { origin: 'https://evil.example' } });
    expect(evil.status).toBe(403);
    expect((await evil.json()).error.code).toBe('cross_site_refused');
    const site = await h.api('/health', { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(site.status).toBe(403);
    const same = await h.api('/health', { headers: { origin: h.gw.url } });
    expect(same.status).toBe(200);
    expect((await h.api('/outbox?status=abandoned')).status).toBe(200);
    const stillDead = (await (await h.api('/outbox?status=abandoned')).json()) as PageOf<unknown>;
    expect(stillDead.totalResults).toBe(1);
  });
});

describe('admin API reads', () => {
  it('summarises health: open findings by severity, unsynchronised access, conflicts, outbox', async () => {
    const res = await h.api('/health');
    expect(res.status).toBe(200);
    const body = (await res.json()) as HealthSummary;
    expect(body.findings.open).toBe(6);
    expect(body.findings.bySeverity).toMatchObject({ critical: 1, high: 3, medium: 1, low: 1 });
    expect(body.unsynchronised).toBe(4);
    expect(body.conflicts.open).toBe(2);
    expect(body.outbox).toMatchObject({ abandoned: 1, queued: 1 });
    expect(body.ready).toBe(true);
  });

  it('filters, sorts and pages findings on the server', async () => {
    const high = (await (await h.api('/findings?severity=high&sort=firstSeenAt&order=asc')).json()) as PageOf<Finding>;
    expect(high.totalResults).toBe(3);
    expect(high.items.map((f) => f.kind)).toEqual(['nhi-without-owner', 'elevation-overstay', 'revocation-pending']);
    const bySeverity = (await (await h.api('/findings?sort=severity&order=desc&count=2&startIndex=1')).json()) as PageOf<Finding>;
    expect(bySeverity.totalResults).toBe(6);
    expect(bySeverity.items).toHaveLength(2);
    expect(bySeverity.items[0]!.severity).toBe('critical');
    const page2 = (await (await h.api('/findings?sort=severity&order=desc&count=2&startIndex=3')).json()) as PageOf<Finding>;
    expect(page2.startIndex).toBe(3);
    expect(page2.items.map((f) => f.id)).not.toContain(bySeverity.items[0]!.id);
    const detail = await (await h.api(`/findings/${high.items[0]!.id}`)).json();
    expect(detail.finding.kind).toBe('nhi-without-owner');
    expect(detail.tags.map((t: { id: string }) => t.id)).toContain('OWASP-NHI:NHI1');
    expect(detail.tags.every((t: { title: string }) => t.title.length > 0)).toBe(true);
  });

  it('answers 400 with zod issue details for bad queries and ids, and 404 for unknown ones', async () => {
    const bad = await h.api('/findings?severity=extreme&count=5000');
    expect(bad.status).toBe(400);
    const body = await bad.json();
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['count', 'severity']);
    expect((await h.api('/findings?nope=1')).status).toBe(400);
    expect((await h.api('/findings/not-an-id')).status).toBe(400);
    expect((await h.api('/findings/fnd_00000000000000000000000000')).status).toBe(404);
  });

  it('lists connectors without any secret, credential or query string', async () => {
    const res = await h.api('/connectors');
    const text = await res.text();
    expect(text).not.toContain(PAM_SECRET);
    expect(text).not.toContain(IGA_SECRET);
    expect(text).not.toContain('pw@');
    const list = JSON.parse(text);
    expect(list).toEqual([
      expect.objectContaining({ id: 'cyberark-prod', kind: 'pam', outbound: { baseUrl: 'https://pvwa.example.test/PasswordVault', auth: 'bearer' } }),
      expect.objectContaining({ id: 'sailpoint', kind: 'iga', inbound: { scheme: 'header-secret' } }),
    ]);
  });
});

describe('conflict resolution', () => {
  it('validates the resolution input at the edge', async () => {
    const missing = await h.api(`/conflicts/${h.seeded.bothSidesChanged}/resolve`, { body: { action: 'exception', by: 'carol', reason: 'ok' } });
    expect(missing.status).toBe(400);
    const issues = (await missing.json()).error.details.issues.map((i: { path: string }) => i.path);
    expect(issues).toEqual(expect.arrayContaining(['owner', 'until']));
    const past = await h.api(`/conflicts/${h.seeded.bothSidesChanged}/resolve`, {
      body: { action: 'exception', by: 'carol', reason: 'ok', owner: 'alice', until: '2001-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(409);
    expect((await past.json()).error.message).toContain('not in the future');
    expect((await h.api(`/conflicts/${h.seeded.bothSidesChanged}/resolve`, { body: { action: 'ignore', by: 'a', reason: 'b' } })).status).toBe(400);
  });

  it('resolves iga-wins: queues the grant, writes the ledger with who and why, and closes the conflict', async () => {
    const res = await h.api(`/conflicts/${h.seeded.bothSidesChanged}/resolve`, { body: { action: 'iga-wins', by: 'carol@example.com', reason: 'IGA approval is authoritative' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ResolveConflictResult;
    expect(body.conflict.status).toBe('resolved');
    expect(body.applied).toEqual([expect.objectContaining({ kind: 'grant' })]);
    const entries = await h.gw.store.ledger.listBySubject(h.seeded.bothSidesChanged);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'carol@example.com', action: 'conflict.resolved', seq: body.ledgerSeq, data: { action: 'iga-wins', reason: 'IGA approval is authoritative' } });
    const outbox = (await h.gw.store.outbox.list({ connectorId: 'cyberark-prod' }, { startIndex: 1, count: 100 })).items;
    const queued = outbox.find((m) => m.action === 'grant' && m.idempotencyKey.startsWith(`conflict:${h.seeded.bothSidesChanged}:`));
    expect(queued).toMatchObject({ status: 'queued', payload: { principal: 'CORP\\bob', permissions: ['useAccounts', 'listAccounts'] } });
    const again = await h.api(`/conflicts/${h.seeded.bothSidesChanged}/resolve`, { body: { action: 'revoke', by: 'x', reason: 'y' } });
    expect(again.status).toBe(409);
    const open = (await (await h.api('/conflicts?status=open')).json()) as PageOf<Conflict>;
    expect(open.items.map((c) => c.id)).toEqual([h.seeded.unapproved]);
    expect(await verifyStoreLedger(h.gw.store)).toMatchObject({ ok: true });
  });

  it('resolves with a time-bounded exception carrying owner, reason and expiry', async () => {
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const res = await h.api(`/conflicts/${h.seeded.unapproved}/resolve`, { body: { action: 'exception', by: 'carol', reason: 'quarter close', owner: 'payroll-team', until } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ResolveConflictResult;
    expect(body.conflict.resolution).toMatchObject({ action: 'exception', owner: 'payroll-team', until, by: 'carol' });
    const entry = (await h.gw.store.ledger.listBySubject(h.seeded.unapproved))[0];
    expect(entry?.data).toMatchObject({ owner: 'payroll-team', until, reason: 'quarter close' });
  });
});

describe('conflict resolution by revoke', () => {
  it('queues the revoke at PAM for an unapproved grant', async () => {
    const now = new Date().toISOString();
    const id = 'cfl_01JZZZZZZZZZZZZZZZZZZZZZZZ' as const;
    await h.gw.store.conflicts.upsert({
      id, kind: 'pam-grant-unapproved', key: 'cyberark-prod/safe/HR|CORP\\mallory', subject: { target: 'cyberark-prod/safe/HR', principal: 'CORP\\mallory' },
      summary: 'unapproved', details: { target: { connectorId: 'cyberark-prod', kind: 'safe', ref: 'HR' }, principal: 'CORP\\mallory', pam: { present: true, permissions: ['useAccounts'] } },
      status: 'open', createdAt: now, updatedAt: now,
    });
    const res = await h.api(`/conflicts/${id}/resolve`, { body: { action: 'revoke', by: 'carol', reason: 'not approved by anyone' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ResolveConflictResult;
    expect(body.applied.map((a) => a.kind)).toEqual(['revoke']);
    // A revoke is a revocation saga (revoke, then read back), like every other revocation.
    const revocations = (await h.gw.store.revocations.list({}, { startIndex: 1, count: 100 })).items;
    const revocation = revocations.find((r) => r.cause === 'conflict-resolution');
    expect(revocation).toMatchObject({ direction: 'iga-to-pam', requestedBy: 'carol' });
    const outbox = (await h.gw.store.outbox.list({ connectorId: 'cyberark-prod' }, { startIndex: 1, count: 100 })).items;
    expect(outbox.find((m) => m.action === 'revoke' && m.idempotencyKey.startsWith(revocation!.id))).toMatchObject({ payload: { principal: 'CORP\\mallory' } });
  });
});

describe('outbox and ledger', () => {
  it('replays one dead letter back to the queue', async () => {
    const bad = await h.api('/outbox/replay', { body: { id: 'nope' } });
    expect(bad.status).toBe(400);
    const res = await h.api('/outbox/replay', { body: { id: h.seeded.deadLetter } });
    expect(await res.json()).toEqual({ replayed: 1 });
    expect(await h.gw.store.outbox.get(h.seeded.deadLetter)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await (await h.api('/outbox/replay', { body: { all: true } })).json()).toEqual({ replayed: 0 });
  });

  it('verifies the ledger', async () => {
    const res = await h.api('/ledger/verify');
    expect(await res.json()).toMatchObject({ ok: true, count: (await h.gw.store.ledger.last())?.seq });
  });
});
