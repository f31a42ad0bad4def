/**
 * How each console API method maps onto the admin HTTP API (`/api/v1`). Shared by the browser's fetch client
 * and the Electron main process's got client, so the two cannot drift apart.
 */
import type { ConsoleApi, ConsoleMethod } from './console-api.ts';

export interface ApiRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Relative to the API base (`/api/v1`), query string included. */
  readonly path: string;
  readonly body?: unknown;
}

export const API_BASE = '/api/v1';

type Args<M extends ConsoleMethod> = Parameters<ConsoleApi[M]>;

function query(params: object): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

const id = (value: string) => encodeURIComponent(value);

export const ROUTES: { readonly [M in ConsoleMethod]: (...args: Args<M>) => ApiRequest } = {
  health: () => ({ method: 'GET', path: '/health' }),
  listFindings: (q) => ({ method: 'GET', path: `/findings${query(q)}` }),
  getFinding: (findingId) => ({ method: 'GET', path: `/findings/${id(findingId)}` }),
  listConflicts: (q) => ({ method: 'GET', path: `/conflicts${query(q)}` }),
  resolveConflict: (conflictId, input) => ({ method: 'POST', path: `/conflicts/${id(conflictId)}/resolve`, body: input }),
  getMappings: () => ({ method: 'GET', path: '/mappings' }),
  getMappingFile: (file) => ({ method: 'GET', path: `/mappings/file${query({ file })}` }),
  validateMapping: (input) => ({ method: 'POST', path: '/mappings/validate', body: input }),
  saveMapping: (input) => ({ method: 'PUT', path: '/mappings/file', body: input }),
  dryRun: (input) => ({ method: 'POST', path: '/mappings/dry-run', body: input }),
  listConnectors: () => ({ method: 'GET', path: '/connectors' }),
  listOutbox: (q) => ({ method: 'GET', path: `/outbox${query(q)}` }),
  replayDeadLetters: (input) => ({ method: 'POST', path: '/outbox/replay', body: input }),
  exportEvidence: (input) => ({ method: 'POST', path: '/evidence/export', body: input }),
  verifyLedger: () => ({ method: 'GET', path: '/ledger/verify' }),
  mappingHealth: () => ({ method: 'GET', path: '/mapping-health' }),
};

/** Builds the request of one method from its arguments (the IPC handlers receive them untyped). */
export function requestFor(method: ConsoleMethod, args: readonly unknown[]): ApiRequest {
  return (ROUTES[method] as (...a: readonly unknown[]) => ApiRequest)(...args);
}
