/** A real SCIM server for tests: SQLite in a temp dir, our router on 127.0.0.1:0, two IGA connectors' tokens. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { pino } from 'pino';
import { ManualClock } from '../../../gateway/domain/clock.ts';
import { createScimRouter } from '../../../gateway/scim/scim-router.ts';
import type { ScimSettings } from '../../../gateway/scim/scim-context.ts';
import { issueScimToken } from '../../../gateway/http/api-tokens.ts';
import pg from 'pg';
import { openPostgresStore } from '../../../gateway/store/postgres/postgres-store.ts';
import { openSqliteStore } from '../../../gateway/store/sqlite/sqlite-store.ts';
import type { Store } from '../../../gateway/store/store.ts';

export interface ScimResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
  readonly text: string;
}

export interface Harness {
  readonly url: string;
  readonly store: Store;
  readonly clock: ManualClock;
  readonly tokens: { readonly a: string; readonly b: string };
  /** A request as connector `iga-a` (or with `token`). */
  call(method: string, path: string, body?: unknown, opts?: { token?: string | null; headers?: Record<string, string>; raw?: string }): Promise<ScimResponse>;
  close(): Promise<void>;
}

export const PG_URL = process.env['LOCKSTEP_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** SQLite in a temp dir, or PostgreSQL in a fresh schema (dropped on close). */
async function openStore(dialect: 'sqlite' | 'postgres', dir: string): Promise<{ store: Store; drop(): Promise<void> }> {
  if (dialect === 'sqlite') return { store: await openSqliteStore({ file: path.join(dir, 'state.db') }), drop: async () => undefined };
  const schema = `scim_test_${randomBytes(6).toString('hex')}`;
  const store = await openPostgresStore({ connectionString: PG_URL, schema, maxConnections: 4 });
  return {
    store,
    async drop() {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

export async function startHarness(
  settings: Partial<ScimSettings> = {}, extra?: (app: express.Express) => void, dialect: 'sqlite' | 'postgres' = 'sqlite',
): Promise<Harness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-scim-'));
  const { store, drop } = await openStore(dialect, dir);
  const clock = new ManualClock(Date.parse('2026-03-01T10:00:00.000Z'));
  const random = (n: number): Uint8Array => randomBytes(n);
  const a = (await issueScimToken({ store, clock, random }, { connectorId: 'iga-a' })).token;
  const b = (await issueScimToken({ store, clock, random }, { connectorId: 'iga-b' })).token;
  const app = express();
  extra?.(app);
  app.use('/scim/v2', createScimRouter({ store, clock, random, logger: pino({ level: process.env['SCIM_TEST_LOG'] ?? 'silent' }), settings: { rateLimit: false, ...settings } }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`;
  return {
    url, store, clock, tokens: { a, b },
    async call(method, p, body, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const token = opts.token === undefined ? a : opts.token;
      if (token !== null) headers['authorization'] = `Bearer ${token}`;
      let payload: string | undefined = opts.raw;
      if (body !== undefined) payload = JSON.stringify(body);
      if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/scim+json';
      const res = await fetch(`${url}${p}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
      const text = await res.text();
      let parsed: unknown;
      try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close().catch(() => undefined);
      await drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Counts rows a SCIM change writes: to prove a rejected request stored nothing. */
export async function footprint(store: Store): Promise<{ events: number; ledger: number; assignments: number }> {
  const events = await store.events.lastSeq();
  const ledger = (await store.ledger.last())?.seq ?? 0;
  const assignments = await store.assignments.countActive();
  return { events, ledger, assignments };
}

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const LOCKSTEP_USER = 'urn:ietf:params:scim:schemas:extension:lockstep:2.0:User';
export const LOCKSTEP_GROUP = 'urn:ietf:params:scim:schemas:extension:lockstep:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export const patchBody = (...ops: unknown[]): unknown => ({ schemas: [PATCH_OP], Operations: ops });
export const filterQuery = (filter: string): string => `filter=${encodeURIComponent(filter)}`;

/** Domain event types written so far, in order. */
export async function eventTypes(store: Store): Promise<string[]> {
  return (await store.events.readAfter(0, 10_000)).map((e) => e.type);
}

/** Asserts an RFC 7644 error body. */
export function isScimError(res: ScimResponse, status: number, scimType?: string): boolean {
  const b = res.body as { schemas?: string[]; status?: string; scimType?: string; detail?: string } | undefined;
  return res.status === status && b?.schemas?.[0] === ERROR_SCHEMA && b.status === String(status)
    && typeof b.detail === 'string' && (scimType === undefined ? b.scimType === undefined : b.scimType === scimType)
    && (res.headers.get('content-type') ?? '').startsWith('application/scim+json');
}
