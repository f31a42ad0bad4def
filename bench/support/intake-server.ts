/**
 * Child process for `intake.bench.ts`: serves the real webhook intake (Standard Webhooks verify, durable SQLite
 * inbox with group commit, 2xx) and a bare express JSON handler on separate ports, so that the load client in
 * the parent does not share their event loop. Prints `{"ours":port,"bare":port}` on stdout when listening.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { systemClock } from '../../gateway/domain/clock.ts';
import { createInboxWriter } from '../../gateway/intake/inbox-writer.ts';
import { createWebhookRouter } from '../../gateway/intake/webhook/webhook-router.ts';
import { openSqliteStore } from '../../gateway/store/sqlite/sqlite-store.ts';

const secret = process.argv[2] ?? '';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-bench-intake-'));
const store = await openSqliteStore({ file: path.join(dir, 'state.db') });

const ours = express();
ours.use('/webhooks', createWebhookRouter({
  connectors: [{ id: 'bench', vendor: 'standard-webhooks', scheme: { kind: 'standard-webhooks', secrets: [secret] } }],
  inbox: createInboxWriter({ store, clock: systemClock, random: (n) => randomBytes(n) }),
  clock: systemClock,
  logger: pino({ level: 'silent' }),
  registry: new Registry(),
}));
const bare = express();
bare.post('/bare', express.json(), (req, res) => {
  res.status(200).json({ status: 'ok', n: typeof req.body === 'object' ? 1 : 0 });
});

const listen = (app: express.Express) => new Promise<number>((resolve) => {
  const s = app.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port));
  s.keepAliveTimeout = 60_000;
});
const [o, b] = await Promise.all([listen(ours), listen(bare)]);
process.stdout.write(`${JSON.stringify({ ours: o, bare: b })}\n`);
process.on('message', async (m) => {
  if (m === 'count') process.send?.({ count: (await store.inbox.countByStatus()).pending });
  if (m === 'stop') {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
});
