import type { Result } from '../../domain/result.ts';

/** A syslog message's header fields and its free-form message part (RFC 5424 or RFC 3164). */
export interface SyslogMessage {
  readonly format: 'rfc5424' | 'rfc3164';
  readonly facility: number;
  readonly severity: number;
  readonly timestamp?: string | undefined;
  readonly hostname?: string | undefined;
  readonly appName?: string | undefined;
  readonly procId?: string | undefined;
  readonly msgId?: string | undefined;
  readonly structuredData?: string | undefined;
  readonly message: string;
}

const nil = (v: string): string | undefined => (v === '-' ? undefined : v);

/** Length of the STRUCTURED-DATA field at the start of `s` (`-` or one or more `[...]`, `\]` escaped). */
function structuredDataLength(s: string): number | undefined {
  if (s.startsWith('-')) return 1;
  let i = 0;
  while (s[i] === '[') {
    i++;
    while (i < s.length && s[i] !== ']') i += s[i] === '\\' ? 2 : 1;
    if (i >= s.length) return undefined;
    i++;
  }
  return i > 0 ? i : undefined;
}

const RFC5424 = /^(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) /;
const RFC3164_TS = /^([A-Z][a-z]{2}) ([ \d]\d) (\d{2}:\d{2}:\d{2}) /;

export function parseSyslog(frame: string): Result<SyslogMessage, string> {
  const pri = /^<(\d{1,3})>/.exec(frame);
  if (!pri?.[1]) return { ok: false, error: 'no <PRI> at the start of the frame' };
  const prival = Number(pri[1]);
  if (prival > 191) return { ok: false, error: `PRI ${prival} is out of range` };
  const facility = Math.floor(prival / 8);
  const severity = prival % 8;
  const rest = frame.slice(pri[0].length);

  const m = RFC5424.exec(rest);
  if (m) {
    const afterHeader = rest.slice(m[0].length);
    const sdLen = structuredDataLength(afterHeader);
    if (sdLen === undefined) return { ok: false, error: 'unterminated STRUCTURED-DATA' };
    const msg = afterHeader.slice(sdLen).replace(/^ /, '').replace(/^\uFEFF/, '');
    return {
      ok: true,
      value: {
        format: 'rfc5424', facility, severity,
        timestamp: nil(m[2] as string), hostname: nil(m[3] as string), appName: nil(m[4] as string),
        procId: nil(m[5] as string), msgId: nil(m[6] as string),
        structuredData: afterHeader.startsWith('-') ? undefined : afterHeader.slice(0, sdLen),
        message: msg,
      },
    };
  }

  const ts = RFC3164_TS.exec(rest);
  if (!ts) return { ok: true, value: { format: 'rfc3164', facility, severity, message: rest } };
  const afterTs = rest.slice(ts[0].length);
  const host = /^(\S+) /.exec(afterTs);
  const body = host ? afterTs.slice(host[0].length) : afterTs;
  const tag = /^([A-Za-z0-9_.\-/]{1,48})(?:\[([^\]]{1,32})\])?: ?/.exec(body);
  return {
    ok: true,
    value: {
      format: 'rfc3164', facility, severity,
      timestamp: `${ts[1]} ${(ts[2] as string).trim()} ${ts[3]}`,
      hostname: host?.[1],
      appName: tag?.[1],
      procId: tag?.[2],
      message: tag ? body.slice(tag[0].length) : body,
    },
  };
}
