/**
 * A SCIM server in its own process for `scim.bench.ts` (so the load generator does not share its event loop):
 * `lockstep` (our router, SQLite in a temp dir) or `baseline` (bare scimmy-routers, in-memory handlers).
 * Sends `{ port, token }` to the parent over IPC and runs until killed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { pino } from 'pino';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';
import { systemClock } from '../gateway/domain/clock.ts';
import { createScimRouter } from '../gateway/scim/scim-router.ts';
import { issueScimToken } from '../gateway/http/api-tokens.ts';
import { openSqliteStore } from '../gateway/store/sqlite/sqlite-store.ts';

function listen(app: express.Express): Promise<http.Server> {
  const server = app.listen(0, '127.0.0.1');
  return new Promise((resolve) => server.once('listening', () => resolve(server)));
}

async function lockstep(): Promise<{ port: number; token: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-scim-bench-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const store = await openSqliteStore({ file: path.join(dir, 'state.db') });
  const random = (n: number): Uint8Array => randomBytes(n);
  const { token } = await issueScimToken({ store, clock: systemClock, random }, { connectorId: 'bench' });
  const app = express();
  app.use('/scim/v2', createScimRouter({ store, clock: systemClock, random, logger: pino({ level: 'silent' }), settings: { rateLimit: false } }));
  const server = await listen(app);
  return { port: (server.address() as AddressInfo).port, token };
}

async function baseline(): Promise<{ port: number; token: string }> {
  const handlers = (db: Map<string, Record<string, unknown>>) => ({
    ingress: (resource: { id?: string }, instance: Record<string, unknown>) => {
      const id = resource.id ?? randomUUID();
      const now = new Date();
      const stored = { ...instance, id, meta: { created: now, lastModified: now } };
      db.set(id, stored);
      return stored;
    },
    egress: (resource: { id?: string }) => {
      if (!resource.id) return [...db.values()];
      const found = db.get(resource.id);
      if (!found) throw new SCIMMY.Types.Error(404, null!, `Resource ${resource.id} not found`);
      return found;
    },
    degress: (resource: { id?: string }) => { db.delete(resource.id!); },
  });
  const u = handlers(new Map());
  const g = handlers(new Map());
  SCIMMY.Resources.declare(SCIMMY.Resources.User).ingress(u.ingress as never).egress(u.egress as never).degress(u.degress as never);
  SCIMMY.Resources.declare(SCIMMY.Resources.Group).ingress(g.ingress as never).egress(g.egress as never).degress(g.degress as never);
  const app = express();
  app.use('/scim/v2', new SCIMMYRouters({ type: 'bearer', handler: () => 'bench', context: () => ({}) }) as unknown as express.Router);
  const server = await listen(app);
  return { port: (server.address() as AddressInfo).port, token: 'bench' };
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
const ready = process.argv[2] === 'baseline' ? await baseline() : await lockstep();
process.send?.(ready);
