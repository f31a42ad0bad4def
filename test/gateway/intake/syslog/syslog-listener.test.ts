import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../gateway/domain/clock.ts';
import { createInboxWriter } from '../../../../gateway/intake/inbox-writer.ts';
import { createSyslogListener, type SyslogListener } from '../../../../gateway/intake/syslog/syslog-listener.ts';
import { cyberArkAuditRecord, selfSignedCert, sendCyberArkSyslog } from '../../../fakes/index.ts';
import { eventually, ids, silentLogger, tempStore, type TempStore } from '../harness.ts';

const clock = new ManualClock(Date.now());
let t: TempStore;
let listener: SyslogListener | undefined;
let registry: Registry;

beforeEach(async () => {
  t = await tempStore();
  registry = new Registry();
});
afterEach(async () => {
  await listener?.close();
  listener = undefined;
  await t.cleanup();
});

async function start(tlsFiles?: { certFile: string; keyFile: string }) {
  listener = createSyslogListener({ connectorId: 'cyberark-vault', port: 0, tls: tlsFiles, maxFrameBytes: 16 * 1024 }, {
    inbox: createInboxWriter({ store: t.store, clock, random: ids }), logger: silentLogger, registry,
  });
  return (await listener.listen()).port;
}

const records = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => cyberArkAuditRecord(i % 2 ? '302' : '300', { sessionId: `${prefix}-${i}`, user: 'adrian' }));

describe('syslog listener', () => {
  it.each([
    ['octet', 5424], ['octet', 3164], ['newline', 5424], ['newline', 3164],
  ] as const)('stores CyberArk records sent %s-framed as RFC %i, split in small chunks', async (framing, rfc) => {
    const port = await start();
    await sendCyberArkSyslog('127.0.0.1', port, records(`${framing}${rfc}`, 5), { framing, rfc, chunkSize: 7 });
    await eventually(async () => (await t.store.inbox.listPending(100)).length === 5);
    const rows = await t.store.inbox.listPending(100);
    expect(rows.every((r) => r.channel === 'syslog' && r.connectorId === 'cyberark-vault' && r.dedupeKey.startsWith('sha256:'))).toBe(true);
    expect(JSON.parse(rows[0]!.body).syslog.audit_record.MessageID).toBe('300');
    expect(rows[0]?.headers['syslog-format']).toBe(`rfc${rfc}`);
    expect((await t.store.events.readAfter(0, 100)).filter((e) => e.type === 'pam.event')).toHaveLength(5);
  });

  it('stores a record sent twice once', async () => {
    const port = await start();
    const recs = records('dup', 2);
    await sendCyberArkSyslog('127.0.0.1', port, [...recs, ...recs]);
    await sendCyberArkSyslog('127.0.0.1', port, recs, { framing: 'newline', rfc: 3164 });
    await eventually(async () => {
      const m = await registry.getSingleMetric('lockstep_intake_deliveries_total')!.get();
      return m.values.filter((v) => v.labels.channel === 'syslog').reduce((n, v) => n + v.value, 0) === 6;
    });
    expect(await t.store.inbox.listPending(100)).toHaveLength(2);
  });

  it('counts malformed frames, keeps the connection for newline framing and never crashes', async () => {
    const port = await start();
    const good = records('ok', 1)[0]!;
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => socket.once('connect', r));
    socket.write('<13>no json here\n');
    socket.write('garbage without pri\n');
    socket.write(`<13>${'y'.repeat(20_000)}\n`);
    socket.write(`<165>1 ${good.IsoTimestamp} VAULT CyberArk_Vault - 300 - ${JSON.stringify({ syslog: { audit_record: good } })}\n`);
    socket.end();
    await eventually(async () => (await t.store.inbox.listPending(10)).length === 1);
    const malformed = await registry.getSingleMetric('lockstep_syslog_malformed_frames_total')!.get();
    expect(malformed.values[0]?.value).toBe(3);
    const again = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => again.once('connect', r));
    again.write('99999999 <13>x');
    await new Promise((r) => again.once('close', r));
  });

  it('listens with TLS', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-tls-'));
    const { cert, key } = selfSignedCert();
    fs.writeFileSync(path.join(dir, 'cert.pem'), cert);
    fs.writeFileSync(path.join(dir, 'key.pem'), key);
    try {
      const port = await start({ certFile: path.join(dir, 'cert.pem'), keyFile: path.join(dir, 'key.pem') });
      await sendCyberArkSyslog('127.0.0.1', port, records('tls', 3), { tls: { ca: cert, servername: 'localhost' } });
      await eventually(async () => (await t.store.inbox.listPending(10)).length === 3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
