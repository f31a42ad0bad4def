/**
 * What crosses IPC: Electron keeps only the message of a thrown error, so handlers answer an envelope and the
 * preload rethrows a {@link ConsoleApiError} with the gateway's status and error body intact.
 */
import { type ApiErrorBody, ConsoleApiError } from './api-types.ts';

export type IpcEnvelope = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly status: number; readonly error: ApiErrorBody };

export function toEnvelope(e: unknown): IpcEnvelope {
  if (e instanceof ConsoleApiError) return { ok: false, status: e.status, error: e.body };
  return { ok: false, status: 0, error: { code: 'console_error', message: e instanceof Error ? e.message : String(e) } };
}

export function fromEnvelope(envelope: IpcEnvelope): unknown {
  if (envelope.ok) return envelope.value;
  throw new ConsoleApiError(envelope.status, envelope.error);
}
