/**
 * State store throughput on SQLite, each figure beside a bare better-sqlite3 loop in the same run:
 * - SCIM-style create: one transaction per user (identity row, domain event, ledger entry), as POST /Users does,
 *   one caller at a time and 10 at once;
 * - webhook ingest: one inbox row per delivery, outside any transaction;
 * - outbox: claim batches of 50 and mark each delivered;
 * - reconciliation scan: scanActive over many assignments (keyset pagination).
 * The baseline is a bare prepared INSERT of a comparable JSON row per autocommit, on the same pragmas, run in
 * rounds alternating with ours so that both see the same load on a shared machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BenchReport } from './run.ts';
import { openSqliteStore } from '../gateway/store/sqlite/sqlite-store.ts';
import type { Identity } from '../gateway/domain/identity.ts';
import type { IdentityId } from '../gateway/domain/ids.ts';

const pad = (n: number) => String(n).padStart(26, '0');
const NOW = '2026-01-01T00:00:00.000Z';

function user(n: number): Identity {
  const id = `idn_${pad(n)}` as IdentityId;
  const userName = `user${n}@example.com`;
  return {
    id, connectorId: 'iga', userName, kind: 'human', active: true, version: 1, createdAt: NOW, updatedAt: NOW,
    resource: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id, userName, active: true,
      name: { givenName: 'User', familyName: String(n) }, emails: [{ type: 'work', value: userName, primary: true }],
      meta: { resourceType: 'User', created: NOW, lastModified: NOW, version: 'W/"1"' },
    },
  };
}

/** A bare prepared INSERT of a comparable JSON row per autocommit, on the store's pragmas. */
function bareInserter(file: string): { insert(n: number): void; close(): void } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, user_name TEXT NOT NULL, doc TEXT NOT NULL)');
  const stmt = db.prepare('INSERT INTO t (id, user_name, doc) VALUES (?, ?, ?)');
  return {
    insert(n) {
      const u = user(n);
      stmt.run(u.id, u.userName, JSON.stringify(u));
    },
    close: () => db.close(),
  };
}

/**
 * Runs the two loops in alternating rounds so that both see the same machine load, and returns ops/s of each.
 */
async function interleaved(rounds: number, perRound: number, ours: (i: number) => Promise<void>, bare: (i: number) => void): Promise<{ ours: number; bare: number }> {
  let oursMs = 0;
  let bareMs = 0;
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    for (let i = r * perRound; i < (r + 1) * perRound; i++) bare(i);
    bareMs += performance.now() - t;
    t = performance.now();
    for (let i = r * perRound; i < (r + 1) * perRound; i++) await ours(i);
    oursMs += performance.now() - t;
  }
  const total = rounds * perRound;
  return { ours: total / (oursMs / 1000), bare: total / (bareMs / 1000) };
}

export default async function storeBench(report: BenchReport): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-bench-store-'));
  try {
    const n = 5000;
    const bare = bareInserter(path.join(dir, 'bare.db'));
    const store = await openSqliteStore({ file: path.join(dir, 'store.db') });

    const create = await interleaved(5, n / 5, async (i) => {
      const u = user(i);
      await store.transaction(async (tx) => {
        await tx.identities.insert(u);
        await tx.events.append({ type: 'identity.upserted', subject: u.id, actor: 'scim:iga', payload: { userName: u.userName }, occurredAt: NOW });
        await tx.ledger.append({ at: NOW, actor: 'scim:iga', action: 'identity.created', subject: u.id, data: { userName: u.userName } });
      });
    }, (i) => bare.insert(i));
    report({
      name: 'sqlite: SCIM create (identity+event+ledger, 1 tx)', value: create.ours, unit: 'tx/s', baseline: create.bare,
      target: '≥ 1000 tx/s, one caller at a time', met: create.ours >= 1000,
    });

    let next = n;
    const concurrentStart = performance.now();
    await Promise.all(Array.from({ length: 10 }, async () => {
      while (next < 2 * n) {
        const u = user(next++);
        await store.transaction(async (tx) => {
          await tx.identities.insert(u);
          await tx.events.append({ type: 'identity.upserted', subject: u.id, actor: 'scim:iga', payload: {}, occurredAt: NOW });
          await tx.ledger.append({ at: NOW, actor: 'scim:iga', action: 'identity.created', subject: u.id, data: {} });
        });
      }
    }));
    const concurrent = n / ((performance.now() - concurrentStart) / 1000);
    report({
      name: 'sqlite: SCIM create, 10 concurrent (group commit)', value: concurrent, unit: 'tx/s', baseline: create.bare,
      target: '≥ 0.5× bare 1-row insert', met: concurrent >= 0.5 * create.bare,
    });

    const ingest = await interleaved(5, n / 5, async (i) => {
      await store.inbox.insert({
        id: `ibx_${pad(i)}`, connectorId: 'cyberark', dedupeKey: `evt-${i}`, channel: 'webhook', contentType: 'application/json',
        body: JSON.stringify({ type: 'session.started', user: `user${i}`, safe: 'Prod-DB' }), headers: { 'webhook-id': `msg_${i}` },
        receivedAt: NOW, status: 'pending', attempts: 0,
      });
    }, (i) => bare.insert(i + n));
    report({ name: 'sqlite: webhook ingest (inbox row)', value: ingest.ours, unit: 'rows/s', baseline: ingest.bare, target: '≥ 2000 rows/s and ≥ 0.5× bare', met: ingest.ours >= 2000 && ingest.ours >= 0.5 * ingest.bare });
    bare.close();

    for (let i = 0; i < n; i++) {
      await store.outbox.enqueue({
        id: `obx_${pad(i)}`, connectorId: 'cyberark', action: 'grant', idempotencyKey: `grant:${i}`, payload: { safe: 'Prod-DB', member: `user${i}` },
        status: 'queued', attempts: 0, nextAttemptAt: NOW, createdAt: NOW, updatedAt: NOW,
      });
    }
    const start = performance.now();
    let delivered = 0;
    for (;;) {
      const batch = await store.outbox.claim({ owner: 'bench', now: NOW, leaseUntil: '2026-01-01T00:05:00.000Z', limit: 50 });
      if (batch.length === 0) break;
      for (const m of batch) await store.outbox.markDelivered(m.id, NOW, { ok: true });
      delivered += batch.length;
    }
    const claims = delivered / ((performance.now() - start) / 1000);
    report({ name: 'sqlite: outbox claim (50) + mark delivered', value: claims, unit: 'msg/s', baseline: ingest.bare, target: '≥ 1000 msg/s', met: claims >= 1000 && delivered === n });
    await store.close();

    const rows = 300_000;
    const bulk = new Database(path.join(dir, 'store.db'));
    bulk.pragma('foreign_keys = OFF');
    bulk.exec(`INSERT INTO entitlements (id, connector_id, display_name, display_name_lc, created_at, updated_at, version, resource, doc)
      VALUES ('ent_${pad(1)}', 'iga', 'g', 'g', '${NOW}', '${NOW}', 1, '{}', '{}')`);
    const add = bulk.prepare('INSERT INTO assignments (id, connector_id, entitlement_id, identity_id, status, expires_at, doc) VALUES (?, ?, ?, ?, ?, NULL, ?)');
    bulk.transaction(() => {
      for (let i = 0; i < rows; i++) {
        const a = { id: `asg_${pad(i)}`, connectorId: 'iga', entitlementId: `ent_${pad(1)}`, identityId: `idn_${pad(i)}`, approver: 'mgr', approvedAt: NOW, status: 'active', sessionCount: 0, updatedAt: NOW };
        add.run(a.id, a.connectorId, a.entitlementId, a.identityId, a.status, JSON.stringify(a));
      }
    })();
    bulk.close();
    const scanStore = await openSqliteStore({ file: path.join(dir, 'store.db') });
    const scanStart = performance.now();
    let scanned = 0;
    for await (const batch of scanStore.assignments.scanActive(5000)) scanned += batch.length;
    const scanRate = scanned / ((performance.now() - scanStart) / 1000);
    await scanStore.close();
    report({ name: `sqlite: scanActive over ${rows / 1000}k assignments`, value: scanRate, unit: 'rows/s', target: '≥ 200000 rows/s (1M in ≤ 5 s)', met: scanRate >= 200_000 && scanned === rows });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
