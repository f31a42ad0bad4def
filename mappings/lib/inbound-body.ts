/** Reads a raw delivery body in the profile's format. Malformed bodies are values, never throws. */
import { err, ok, type Result } from './result.ts';

export type InboundFormat = 'json' | 'form' | 'syslog-json';

function parseJson(text: string): Result<unknown, string> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return err(`body is not valid JSON: ${(e as Error).message}`);
  }
}

function parseForm(text: string): Result<unknown, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  return Object.keys(out).length === 0 ? err('form body has no fields') : ok(out);
}

/** A syslog line whose message is JSON (CyberArk's XSL translator): the JSON starts at the first `{`. */
function parseSyslogJson(text: string): Result<unknown, string> {
  const at = text.indexOf('{');
  if (at < 0) return err('syslog record carries no JSON payload');
  return parseJson(text.slice(at).trim());
}

export function parseInboundBody(format: InboundFormat, body: string): Result<unknown, string> {
  if (body.trim() === '') return err('body is empty');
  switch (format) {
    case 'json':
      return parseJson(body);
    case 'form':
      return parseForm(body);
    case 'syslog-json':
      return parseSyslogJson(body);
  }
}
