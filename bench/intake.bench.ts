/**
 * Intake and outbox figures. Webhook ingest: Standard Webhooks verify + durable SQLite inbox (group commit) +
 * 2xx, against a bare express handler that parses JSON and answers 200; same client, same run, 50 connections,
 * servers in a child process, the bare handler measured before and after ours (averaged). Outbox drain: queued grants delivered to a healthy CyberArk fake.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchReport } from './run.ts';
import { runLoad } from './support/load-client.ts';
import { drainBench } from './support/outbox-drain.ts';
import { signStandardWebhook, standardWebhookSecret } from '../test/fakes/standard-webhooks.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

async function ingest(report: BenchReport): Promise<void> {
  const secret = standardWebhookSecret(Buffer.alloc(32, 5));
  const child = fork(path.join(here, 'support/intake-server.ts'), [secret], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const ports = JSON.parse(line.toString()) as { ours: number; bare: number };
  const concurrency = 50;
  const count = 20_000;
  const maxMs = 12_000;
  let seq = 0;
  const body = (i: number) => JSON.stringify({ type: 'access_request.update', id: `req-${i}`, state: 'APPROVED', user: 'alice', roles: ['db-admin'] });
  const signed = (p: string) => (i: number) => {
    const id = `msg_${seq++}`;
    const ts = Math.floor(Date.now() / 1000);
    const b = body(i);
    return { path: p, body: b, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook(secret, id, ts, b) } };
  };
  try {
    await runLoad({ port: ports.bare, concurrency, count: 2_000, maxMs, request: signed('/bare') });
    await runLoad({ port: ports.ours, concurrency, count: 2_000, maxMs, request: signed('/webhooks/bench') });
    const bare1 = await runLoad({ port: ports.bare, concurrency, count: count / 2, maxMs: maxMs / 2, request: signed('/bare') });
    const ours = await runLoad({ port: ports.ours, concurrency, count, maxMs, request: signed('/webhooks/bench') });
    const bare2 = await runLoad({ port: ports.bare, concurrency, count: count / 2, maxMs: maxMs / 2, request: signed('/bare') });
    const bare = { perSecond: (bare1.perSecond + bare2.perSecond) / 2, p99Ms: (bare1.p99Ms + bare2.p99Ms) / 2 };
    child.send('count');
    const [stored] = (await once(child, 'message')) as [{ count: number }];
    const ratio = ours.perSecond / bare.perSecond;
    report({ name: 'webhook ingest throughput (50 conns)', value: ours.perSecond, unit: 'req/s', baseline: bare.perSecond, target: '≥ 0.5× bare', met: ratio >= 0.5 });
    report({ name: 'webhook ingest p99 (50 conns)', value: ours.p99Ms, unit: 'ms', baseline: bare.p99Ms, target: '≤ 20 ms', met: ours.p99Ms <= 20 });
    report({ name: 'webhook deliveries stored (all 2xx durable)', value: stored.count, unit: 'rows', target: `= ${ours.ok + 2_000} answered 2xx`, met: stored.count === ours.ok + 2_000 });
  } finally {
    child.send('stop');
    await once(child, 'exit');
  }
}

export default async function intakeBench(report: BenchReport): Promise<void> {
  await ingest(report);
  await drainBench(report);
}
