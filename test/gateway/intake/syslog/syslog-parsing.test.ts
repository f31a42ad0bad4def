import { describe, expect, it } from 'vitest';
import { extractCyberArkAudit } from '../../../../gateway/intake/syslog/cyberark-audit.ts';
import { createFrameDecoder } from '../../../../gateway/intake/syslog/frame-decoder.ts';
import { parseSyslog } from '../../../../gateway/intake/syslog/syslog-message.ts';
import { cyberArkAuditRecord, syslogLine } from '../../../fakes/index.ts';

function decode(chunks: (string | Buffer)[], maxFrameBytes = 1024) {
  const frames: string[] = [];
  const malformed: string[] = [];
  const d = createFrameDecoder({ maxFrameBytes, onFrame: (f) => frames.push(f.toString()), onMalformed: (r) => malformed.push(r) });
  let open = true;
  for (const c of chunks) if (open) open = d.push(Buffer.from(c));
  if (open) d.end();
  return { frames, malformed, open, mode: d.mode() };
}

describe('RFC 6587 framing', () => {
  it('reads octet-counted frames split at any byte', () => {
    const stream = '11 <13>1 hello5 <1>hi';
    for (let cut = 1; cut < stream.length; cut++) {
      const r = decode([stream.slice(0, cut), stream.slice(cut)]);
      expect(r.frames).toEqual(['<13>1 hello', '<1>hi']);
      expect(r.mode).toBe('octet-counting');
    }
  });
  it('reads newline-framed lines, CRLF too, and keeps a last unterminated line', () => {
    const r = decode(['<13>a\r\n<13>b\n<1', '3>c']);
    expect(r.frames).toEqual(['<13>a', '<13>b', '<13>c']);
    expect(r.mode).toBe('non-transparent');
  });
  it('bounds frames: an oversized line is skipped and counted, an oversized octet count ends the connection', () => {
    const lines = decode([`<13>${'x'.repeat(50)}\n<13>ok\n`], 20);
    expect(lines.frames).toEqual(['<13>ok']);
    expect(lines.malformed).toHaveLength(1);
    const octets = decode(['999999 <13>x'], 1024);
    expect(octets.open).toBe(false);
    expect(octets.malformed[0]).toMatch(/exceeds/);
    expect(decode(['12x <13>x']).open).toBe(false);
  });
});

describe('syslog headers', () => {
  it('parses RFC 5424 with structured data and a BOM', () => {
    const r = parseSyslog('<165>1 2026-11-29T10:00:00Z VAULT CyberArk_Vault 42 300 [ex@1 a="b\\]c"] \uFEFF{"x":1}');
    expect(r).toEqual({ ok: true, value: { format: 'rfc5424', facility: 20, severity: 5, timestamp: '2026-11-29T10:00:00Z', hostname: 'VAULT', appName: 'CyberArk_Vault', procId: '42', msgId: '300', structuredData: '[ex@1 a="b\\]c"]', message: '{"x":1}' } });
  });
  it('parses RFC 3164 with a tag and pid', () => {
    const r = parseSyslog('<13>Nov  9 10:00:00 vault01 CyberArk[123]: {"y":2}');
    expect(r).toMatchObject({ ok: true, value: { format: 'rfc3164', timestamp: 'Nov 9 10:00:00', hostname: 'vault01', appName: 'CyberArk', procId: '123', message: '{"y":2}' } });
  });
  it('rejects frames without a PRI', () => {
    expect(parseSyslog('hello').ok).toBe(false);
    expect(parseSyslog('<999>1 x').ok).toBe(false);
  });
});

describe('CyberArk audit records', () => {
  it('extracts the record from both RFC forms with the same dedupe key, which depends on the session', () => {
    const rec = cyberArkAuditRecord('300', { sessionId: 's-1', user: 'adrian', IsoTimestamp: '2026-11-29T10:00:00Z' });
    const a = parseSyslog(syslogLine(rec, 5424));
    const b = parseSyslog(syslogLine(rec, 3164));
    if (!a.ok || !b.ok) throw new Error('parse failed');
    const x = extractCyberArkAudit(a.value.message);
    const y = extractCyberArkAudit(b.value.message);
    if (!x.ok || !y.ok) throw new Error('extract failed');
    expect(x.value.record.MessageID).toBe('300');
    expect(x.value.dedupeKey).toBe(y.value.dedupeKey);
    const other = extractCyberArkAudit(parseSyslog(syslogLine({ ...rec, ExtraDetails: 'SessionID=s-2;' }, 5424)).ok ? JSON.stringify({ syslog: { audit_record: { ...rec, ExtraDetails: 'SessionID=s-2;' } } }) : '');
    expect(other.ok && other.value.dedupeKey).not.toBe(x.value.dedupeKey);
  });
  it('reports a message without a record', () => {
    expect(extractCyberArkAudit('plain text').ok).toBe(false);
    expect(extractCyberArkAudit('{"no":"id"}').ok).toBe(false);
  });
});
