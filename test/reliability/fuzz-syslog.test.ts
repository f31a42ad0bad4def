/**
 * Hostile syslog over TCP against the gateway's real listener: garbage, oversized lines, bad octet counts and
 * half-sent frames on many connections. The gateway stays up and a well-formed CyberArk audit record sent after
 * the garbage is still received and stored.
 */
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cyberArkAuditRecord, syslogLine } from '../fakes/index.ts';
import { type TestGateway, startTestGateway } from '../support/gateway.ts';
import { syslogLine as fuzzLine } from '../support/reliability/arbitraries.ts';
import { SEED, reportFigure, sizes, TEST_TIMEOUT_MS } from '../support/reliability/profile.ts';
import { ROOT } from '../support/reliability/gateway-process.ts';

let gw: TestGateway;
let port = 0;
let frames = 0;

beforeAll(async () => {
  gw = await startTestGateway({
    config: {
      connectors: [{ id: 'vault-audit', kind: 'pam', vendor: 'cyberark', inbound: { scheme: 'syslog', port: 0 } }],
      settings: { profilesDir: `${ROOT}/mappings/profiles`, mappingsDir: `${ROOT}/mappings/examples` },
    },
  });
  port = gw.gateway.syslogListeners.find((l) => l.connectorId === 'vault-audit')?.port ?? 0;
}, 60_000);
afterAll(async () => gw?.stop());

function sendRaw(chunks: readonly Buffer[]): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
    socket.on('connect', () => {
      for (const c of chunks) socket.write(c);
      socket.end();
    });
    socket.setTimeout(5_000, () => socket.destroy());
  });
}

describe('fuzz: syslog over TCP', { timeout: TEST_TIMEOUT_MS }, () => {
  it('garbage on many connections leaves the listener working and the gateway up', async () => {
    expect(port).toBeGreaterThan(0);
    const chunk = fc.oneof(
      fuzzLine.map((l) => Buffer.from(`${l}\n`)),
      fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
      fc.nat({ max: 99_999_999 }).map((n) => Buffer.from(`${n} <13>short`)),
      fc.constant(Buffer.alloc(70_000, 0x41)),
      fc.constant(Buffer.from('00000000000 ')),
    );
    await fc.assert(fc.asyncProperty(fc.array(chunk, { minLength: 1, maxLength: 6 }), async (chunks) => {
      frames += chunks.length;
      await sendRaw(chunks);
    }), { numRuns: Math.ceil(sizes.httpFuzzRuns / 2), seed: SEED, interruptAfterTimeLimit: 60_000 });
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);

    const record = cyberArkAuditRecord('295', { IsoTimestamp: new Date().toISOString(), Issuer: 'after-fuzz', Safe: 'Finance', File: 'acct-1' } as never);
    await sendRaw([Buffer.from(`${syslogLine(record, 5424)}\n`)]);
    const db = new Database(path.join(gw.dataDir, 'state.sqlite'), { readonly: true });
    try {
      const stored = () => db.prepare("SELECT count(*) AS n FROM inbox WHERE connector_id = 'vault-audit' AND body LIKE '%after-fuzz%'").get() as { n: number };
      const deadline = Date.now() + 15_000;
      while (stored().n === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(stored().n).toBe(1);
    } finally {
      db.close();
    }
    reportFigure('fuzz-syslog', { seed: SEED, connections: Math.ceil(sizes.httpFuzzRuns / 2), frames });
  });
});
