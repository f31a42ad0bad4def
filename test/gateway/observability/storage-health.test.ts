/**
 * Storage faults: one classification (gateway/store/store-unavailable.ts) of SQLite and PostgreSQL "cannot write
 * now" errors, the storage health (one log line per episode, readiness `storage` until a probe write succeeds),
 * and the admin API answer (503, Retry-After, the admin error envelope) through the real express app.
 */
import express, { Router } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../gateway/domain/clock.ts';
import { createApp } from '../../../gateway/http/app.ts';
import { type ListeningServer, listen } from '../../../gateway/http/http-server.ts';
import { Readiness } from '../../../gateway/http/readiness.ts';
import { createLogger } from '../../../gateway/observability/logger.ts';
import { createMetrics } from '../../../gateway/observability/metrics.ts';
import { createStorageHealth } from '../../../gateway/observability/storage-health.ts';
import { StoreUnavailable, storeUnavailable } from '../../../gateway/store/store-unavailable.ts';

const sqliteError = (code: string, message = 'database or disk is full') => Object.assign(new Error(message), { code });
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'ERROR' });

describe('storeUnavailable', () => {
  it.each([
    ['SQLITE_FULL', sqliteError('SQLITE_FULL'), 'disk-full'],
    ['SQLITE_IOERR_WRITE', sqliteError('SQLITE_IOERR_WRITE', 'disk I/O error'), 'io-error'],
    ['ENOSPC', Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), 'disk-full'],
    ['PostgreSQL 53100', pgError('53100', 'could not extend file "base/16384/16385": No space left on device'), 'disk-full'],
    ['PostgreSQL 53300', pgError('53300', 'sorry, too many clients already'), 'too-many-connections'],
    ['PostgreSQL 53200', pgError('53200', 'out of memory'), 'insufficient-resources'],
    ['"could not extend file" without a code', new Error('could not extend file "base/1/2"'), 'disk-full'],
    ['a wrapped cause', new Error('transaction failed', { cause: sqliteError('SQLITE_FULL') }), 'disk-full'],
  ])('%s → %s', (_name, error, reason) => {
    expect(storeUnavailable(error)).toMatchObject({ reason });
    expect(storeUnavailable(error)).toBeInstanceOf(StoreUnavailable);
  });

  it.each([
    ['a uniqueness violation', sqliteError('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed')],
    ['a syntax error', pgError('42601', 'syntax error at or near "SELEC"')],
    ['a plain error', new Error('boom')],
    ['not an error', 'SQLITE_FULL'],
    ['nothing', undefined],
  ])('%s is not a storage fault', (_name, error) => {
    expect(storeUnavailable(error)).toBeUndefined();
  });
});

function logLines() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
  return { lines, logger };
}

describe('storage health', () => {
  it('logs once per episode, is not ready until a probe write succeeds, then logs the recovery', async () => {
    const { lines, logger } = logLines();
    let diskFull = true;
    const health = createStorageHealth({
      clock: new ManualClock(0), logger, probeIntervalMs: 60_000,
      probe: async () => {
        if (diskFull) throw sqliteError('SQLITE_FULL');
      },
    });
    try {
      expect(health.check()).toEqual({ ok: true });
      expect(health.report(new Error('unrelated'))).toBeUndefined();
      expect(health.check()).toEqual({ ok: true });
      for (let i = 0; i < 5; i++) expect(health.report(sqliteError('SQLITE_FULL'))).toMatchObject({ reason: 'disk-full' });
      expect(health.check()).toMatchObject({ ok: false, reason: expect.stringMatching(/disk of the state store is full \(SQLITE_FULL\)/) });
      expect(lines.filter((l) => l.msg === 'state store cannot take writes; answering 503 until a write succeeds')).toHaveLength(1);

      expect(await health.probeNow()).toBe(false);
      expect(health.check().ok).toBe(false);
      diskFull = false;
      expect(await health.probeNow()).toBe(true);
      expect(health.check()).toEqual({ ok: true });
      expect(lines.find((l) => l.msg === 'state store takes writes again')).toMatchObject({ reason: 'disk-full', failedWrites: 5 });

      diskFull = true;
      health.report(pgError('53300', 'sorry, too many clients already'));
      expect(health.check()).toMatchObject({ ok: false, reason: expect.stringMatching(/no free connection \(53300\)/) });
      expect(lines.filter((l) => l.msg === 'state store cannot take writes; answering 503 until a write succeeds')).toHaveLength(2);
    } finally {
      health.stop();
    }
  });

  it('probes on its own during an episode, so that readiness comes back without traffic', async () => {
    let probes = 0;
    const health = createStorageHealth({
      clock: new ManualClock(0), logger: logLines().logger, probeIntervalMs: 10,
      probe: async () => {
        probes++;
        if (probes < 3) throw sqliteError('SQLITE_FULL');
      },
    });
    try {
      health.report(sqliteError('SQLITE_FULL'));
      const deadline = Date.now() + 10_000;
      while (!health.check().ok && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(health.check()).toEqual({ ok: true });
      expect(probes).toBe(3);
    } finally {
      health.stop();
    }
  });
});

describe('admin API answer to a storage fault', () => {
  const servers: ListeningServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close(0);
  });

  it('503 with Retry-After and the admin error envelope; /readyz names the storage check', async () => {
    const { logger } = logLines();
    const storage = createStorageHealth({ clock: new ManualClock(0), logger, probeIntervalMs: 60_000, retryAfterSeconds: 7, probe: async () => { throw sqliteError('SQLITE_FULL'); } });
    const readiness = new Readiness();
    readiness.register('storage', () => storage.check());
    const api = Router();
    api.use(express.json());
    api.post('/things', async () => {
      throw pgError('53100', 'could not extend file "base/16384/16385": No space left on device');
    });
    api.post('/other', async () => {
      throw new Error('boom');
    });
    const app = createApp({ logger, metrics: createMetrics({ version: 't' }), readiness, clock: new ManualClock(0), random: (n) => new Uint8Array(n), version: 't', mounts: [{ path: '/api/v1', router: api }], storage });
    const server = await listen(app, { host: '127.0.0.1', port: 0 });
    servers.push(server);
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      const res = await fetch(`${server.url}/api/v1/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('7');
      const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
      expect(body.error).toMatchObject({ code: 'storage_unavailable', message: expect.stringMatching(/disk .* full.*retry later/) });
      expect(body.error.requestId).toBeTruthy();
      expect(JSON.stringify(body)).not.toContain('base/16384');
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: Record<string, unknown> }).checks['storage']).toMatchObject({ ok: false });
      expect((await fetch(`${server.url}/api/v1/other`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(500);
    } finally {
      storage.stop();
    }
  });
});
