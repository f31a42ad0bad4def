/**
 * A syslog CLIENT that sends CyberArk Vault audit records the way a Vault configured with the JSON
 * (Elastic) XSL translator does: `{"syslog":{"audit_record":{...}}}` in an RFC 5424 or RFC 3164 frame,
 * over TCP or TLS, octet-counted (RFC 6587 §3.4.1) or newline-terminated. Used to test the gateway's listener.
 */
import net from 'node:net';
import tls from 'node:tls';

/** Vault audit MessageIDs the gateway cares about, with CyberArk's descriptions. */
export const CYBERARK_MESSAGE_IDS = {
  '7': 'Logon',
  '8': 'Logoff',
  '24': 'CPM Change Password',
  '57': 'CPM Change Password Failed',
  '295': 'Retrieve password',
  '300': 'PSM Connect',
  '302': 'PSM Disconnect',
  '304': 'PSM Upload Recording',
  '308': 'Use Password',
} as const;

export type CyberArkMessageId = keyof typeof CYBERARK_MESSAGE_IDS;

export interface CyberArkAuditRecord {
  MessageID: string;
  Desc: string;
  IsoTimestamp: string;
  Issuer: string;
  Station: string;
  Safe: string;
  File: string;
  Location: string;
  Category: string;
  RequestId: string;
  Reason: string;
  ExtraDetails: string;
  GatewayStation: string;
  TargetUser: string;
}

/** A record with the notes' field set; `sessionId`/`user` go into ExtraDetails as `SessionID=...;User=...;`. */
export function cyberArkAuditRecord(
  messageId: CyberArkMessageId,
  fields: Partial<CyberArkAuditRecord> & { sessionId?: string; user?: string } = {},
): CyberArkAuditRecord {
  const { sessionId, user, ...rest } = fields;
  const extra = rest.ExtraDetails ?? `${sessionId ? `SessionID=${sessionId};` : ''}${user ? `User=${user};` : ''}`;
  return {
    MessageID: messageId,
    Desc: CYBERARK_MESSAGE_IDS[messageId],
    IsoTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    Issuer: 'Administrator',
    Station: '10.0.0.5',
    Safe: 'PSM',
    File: 'Root\\Operating System-WinDomain-host-Administrator',
    Location: '',
    Category: '',
    RequestId: '',
    Reason: '',
    GatewayStation: '10.0.0.9',
    TargetUser: '',
    ...rest,
    ExtraDetails: extra,
  };
}

export const cyberArkSyslogJson = (r: CyberArkAuditRecord): string => JSON.stringify({ syslog: { audit_record: r } });

export interface SyslogSendOptions {
  readonly framing?: 'octet' | 'newline';
  readonly rfc?: 5424 | 3164;
  /** Connect with TLS; `ca` to trust the listener's self-signed certificate. */
  readonly tls?: { readonly ca?: string | Buffer; readonly rejectUnauthorized?: boolean; readonly servername?: string };
  /** Write the stream in chunks of this many bytes (exercises the listener's reassembly of split frames). */
  readonly chunkSize?: number;
  readonly hostname?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** local4.notice, as commonly configured for the Vault's SIEM forwarding. */
const PRI = 20 * 8 + 5;

export function syslogLine(record: CyberArkAuditRecord, rfc: 5424 | 3164, hostname = 'VAULT'): string {
  const msg = cyberArkSyslogJson(record);
  if (rfc === 5424) return `<${PRI}>1 ${record.IsoTimestamp} ${hostname} CyberArk_Vault - ${record.MessageID} - ${msg}`;
  const d = new Date(record.IsoTimestamp);
  const ts = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
  return `<${PRI}>${ts} ${hostname} CyberArk_Vault: ${msg}`;
}

export function frame(line: string, framing: 'octet' | 'newline'): Buffer {
  const body = Buffer.from(line, 'utf8');
  return framing === 'octet' ? Buffer.concat([Buffer.from(`${body.length} `), body]) : Buffer.concat([body, Buffer.from('\n')]);
}

/** Connects, sends every record, closes; resolves when the stream is flushed and closed. */
export async function sendCyberArkSyslog(host: string, port: number, records: readonly CyberArkAuditRecord[], opts: SyslogSendOptions = {}): Promise<void> {
  const framing = opts.framing ?? 'octet';
  const rfc = opts.rfc ?? 5424;
  const payload = Buffer.concat(records.map((r) => frame(syslogLine(r, rfc, opts.hostname), framing)));
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = opts.tls
      ? tls.connect({ host, port, ca: opts.tls.ca, rejectUnauthorized: opts.tls.rejectUnauthorized ?? true, servername: opts.tls.servername }, () => resolve(s))
      : net.connect({ host, port }, () => resolve(s));
    s.once('error', reject);
  });
  const chunk = opts.chunkSize ?? payload.length;
  for (let i = 0; i < payload.length; i += Math.max(1, chunk)) {
    const part = payload.subarray(i, i + Math.max(1, chunk));
    if (!socket.write(part)) await new Promise((r) => socket.once('drain', r));
  }
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.end(() => {
      const t = setTimeout(() => socket.destroy(), 1_000);
      socket.once('close', () => {
        clearTimeout(t);
        resolve();
      });
    });
  });
}
