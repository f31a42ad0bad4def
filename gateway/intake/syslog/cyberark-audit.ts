import type { Result } from '../../domain/result.ts';
import { contentHash } from '../webhook/dedupe-key.ts';

/** A CyberArk Vault audit record as the JSON XSL translator writes it (wrapped or bare). */
export interface CyberArkAuditRecord {
  readonly MessageID: string;
  readonly IsoTimestamp?: string;
  readonly Issuer?: string;
  readonly Safe?: string;
  readonly File?: string;
  readonly ExtraDetails?: string;
  readonly [key: string]: unknown;
}

export interface ExtractedAudit {
  readonly record: CyberArkAuditRecord;
  /** The JSON text as it arrived (the inbox stores it unchanged). */
  readonly json: string;
  readonly dedupeKey: string;
}

export function sessionIdOf(extraDetails: string | undefined): string {
  return /(?:^|;)\s*SessionID=([^;]*)/i.exec(extraDetails ?? '')?.[1] ?? '';
}

/**
 * Finds the JSON audit record in a syslog message part. CyberArk records carry no event id, so the dedupe key
 * is a hash of (MessageID, IsoTimestamp, Issuer, Safe, File, SessionID) (vendor notes).
 */
export function extractCyberArkAudit(message: string): Result<ExtractedAudit, string> {
  const start = message.indexOf('{');
  const end = message.lastIndexOf('}');
  if (start < 0 || end < start) return { ok: false, error: 'no JSON object in the message' };
  const json = message.slice(start, end + 1);
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return { ok: false, error: 'the message JSON does not parse' };
  }
  const d = doc as { syslog?: { audit_record?: unknown }; audit_record?: unknown };
  const record = (d?.syslog?.audit_record ?? d?.audit_record ?? doc) as Partial<CyberArkAuditRecord> | null;
  if (!record || typeof record !== 'object' || record.MessageID === undefined) return { ok: false, error: 'no audit record with a MessageID' };
  const key = [record.MessageID, record.IsoTimestamp, record.Issuer, record.Safe, record.File, sessionIdOf(record.ExtraDetails)].map((v) => String(v ?? ''));
  return { ok: true, value: { record: { ...record, MessageID: String(record.MessageID) }, json, dedupeKey: `sha256:${contentHash([JSON.stringify(key)])}` } };
}
