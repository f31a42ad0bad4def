/**
 * The gateway's HTTP stack (request ids, child loggers, access log, metrics, error handling) against a bare
 * express app answering the same route, both on 127.0.0.1 in this process, same client load. Logs go to a
 * discarding stream so that the figure is the stack's cost, not the terminal's. Runs alternate (median of 3)
 * so that JIT warm-up and machine noise fall on both. The bare app keeps express defaults (ETag on); ours turns
 * ETags off, which the SCIM layer replaces with its own.
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import express from 'express';
import type { BenchReport } from './run.ts';
import { systemClock } from '../gateway/domain/clock.ts';
import { createApp } from '../gateway/http/app.ts';
import { listen } from '../gateway/http/http-server.ts';
import { Readiness } from '../gateway/http/readiness.ts';
import { createLogger } from '../gateway/observability/logger.ts';
import { createMetrics } from '../gateway/observability/metrics.ts';

const CONNECTIONS = 16;
const DURATION_MS = 2500;
const ROUNDS = 3;

async function load(url: string): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const get = () => new Promise<void>((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    }).on('error', reject).end();
  });
  for (let i = 0; i < 200; i++) await get();
  let done = 0;
  const until = Date.now() + DURATION_MS;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (Date.now() < until) {
      await get();
      done++;
    }
  }));
  agent.destroy();
  return done / (DURATION_MS / 1000);
}

export default async function bench(report: BenchReport): Promise<void> {
  const bare = express();
  bare.get('/ping', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const bareServer = await listen(bare, { host: '127.0.0.1', port: 0 });

  const logger = createLogger({ level: 'info', destination: { write: () => undefined } });
  const ping = express.Router().get('/', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const app = createApp({
    logger, metrics: createMetrics(), readiness: new Readiness(), clock: systemClock, random: (n) => randomBytes(n),
    version: 'bench', mounts: [{ path: '/ping', router: ping }],
  });
  const ourServer = await listen(app, { host: '127.0.0.1', port: 0 });
  try {
    const bares: number[] = [];
    const oursRuns: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      bares.push(await load(`${bareServer.url}/ping`));
      oursRuns.push(await load(`${ourServer.url}/ping`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const baseline = median(bares);
    const ours = median(oursRuns);
    const ratio = ours / baseline;
    report({ name: 'http stack: requests/s (ids, logs, metrics)', value: ours, unit: 'req/s', baseline, target: '≥ 0.6× bare express', met: ratio >= 0.6 });
  } finally {
    await bareServer.close(0);
    await ourServer.close(0);
  }
}
