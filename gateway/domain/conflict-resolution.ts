import type { Conflict, ResolutionAction } from './conflict.ts';
import { RESOLUTION_ACTIONS } from './conflict.ts';
import type { ExceptionRecord, PathState } from './conflict-rules.ts';
import { exceptionProblems } from './finding-reconcile.ts';
import type { PamTarget } from './grant.ts';
import type { NewLedgerEntry } from './ledger-entry.ts';
import { err, ok, type Result } from './result.ts';

/** What a resolution asks the engine to do, in the same transaction as the resolved conflict. */
export type ResolutionIntent =
  | { readonly kind: 'grant'; readonly target: PamTarget; readonly principal: string; readonly permissions: readonly string[]; readonly mode: 'standing' | 'jit' }
  | { readonly kind: 'revoke'; readonly target: PamTarget; readonly principal: string; readonly cause: 'conflict-resolution' }
  /** Ask IGA to adopt PAM's state (add or remove the membership), through its outbound profile. */
  | { readonly kind: 'propose-to-iga'; readonly change: 'add' | 'remove'; readonly target: PamTarget; readonly principal: string; readonly permissions: readonly string[] }
  /** Least privilege across disagreeing mappings, to apply to the target until the mappings are fixed. */
  | { readonly kind: 'target-policy'; readonly target: PamTarget; readonly permissions: readonly string[]; readonly mode: 'standing' | 'jit' }
  | { readonly kind: 'exception'; readonly conflictKind: Conflict['kind']; readonly key: string; readonly owner: string; readonly reason: string; readonly until: string }
  | { readonly kind: 'ledger'; readonly entry: NewLedgerEntry };

export interface ResolvedConflict {
  readonly conflict: Conflict;
  readonly intents: readonly ResolutionIntent[];
}

interface Facts {
  readonly target: PamTarget;
  readonly principal?: string;
  readonly iga?: PathState;
  readonly pam?: PathState;
  readonly resolutions?: readonly { readonly mappingId: string; readonly permissions: readonly string[]; readonly mode: 'standing' | 'jit' }[];
  readonly principals?: readonly string[];
}

/**
 * Resolves a conflict by one of the actions, validating first (every problem is reported): the conflict must
 * be open, `by` and `reason` given, the action must make sense for the conflict, and an exception needs an
 * owner, a reason and an expiry in the future. Always ends with a ledger intent saying who decided what and why.
 */
export function applyResolution(
  conflict: Conflict, action: ResolutionAction, by: string, reason: string, now: string, exception?: Partial<ExceptionRecord>,
): Result<ResolvedConflict, readonly string[]> {
  const problems: string[] = [];
  if (conflict.status !== 'open') problems.push(`conflict ${conflict.id} is already ${conflict.status}`);
  if (!by.trim()) problems.push('a resolution needs who decided it');
  if (!reason.trim()) problems.push('a resolution needs a reason');
  if (!(RESOLUTION_ACTIONS as readonly string[]).includes(action)) problems.push(`unknown resolution action "${action}"`);
  if (action === 'exception') problems.push(...exceptionProblems(exception ?? {}, now));
  const facts = readFacts(conflict.details);
  if (!facts) problems.push(`conflict ${conflict.id} does not carry the facts a resolution needs (target)`);
  const planned = facts && problems.length === 0 ? plan(conflict, action, facts, exception as ExceptionRecord | undefined) : undefined;
  if (planned !== undefined && typeof planned === 'string') problems.push(planned);
  if (problems.length > 0 || planned === undefined || typeof planned === 'string') return err(problems);

  const resolution = {
    action, by, reason, at: now,
    owner: action === 'exception' ? exception?.owner : undefined,
    until: action === 'exception' ? exception?.until : undefined,
  };
  const entry: NewLedgerEntry = {
    actor: by, action: 'conflict.resolved', subject: conflict.id, at: now,
    data: { kind: conflict.kind, key: conflict.key, action, reason, owner: resolution.owner ?? null, until: resolution.until ?? null, intents: planned.map((i) => i.kind) },
  };
  return ok({
    conflict: { ...conflict, status: 'resolved', resolution, updatedAt: now },
    intents: [...planned, { kind: 'ledger', entry }],
  });
}

function plan(conflict: Conflict, action: ResolutionAction, f: Facts, exception: ExceptionRecord | undefined): ResolutionIntent[] | string {
  const notApplicable = `"${action}" does not apply to a ${conflict.kind} conflict`;
  if (action === 'exception') {
    return [{ kind: 'exception', conflictKind: conflict.kind, key: conflict.key, owner: exception!.owner, reason: exception!.reason, until: exception!.until }];
  }
  if (conflict.kind === 'mappings-disagree') {
    const rs = f.resolutions ?? [];
    if (action === 'pam-wins') return [];
    if (action === 'iga-wins') {
      const [first, ...rest] = rs;
      const permissions = (first?.permissions ?? []).filter((p) => rest.every((r) => r.permissions.includes(p)));
      return [{ kind: 'target-policy', target: f.target, permissions: [...new Set(permissions)].sort(), mode: rs.some((r) => r.mode === 'jit') ? 'jit' : 'standing' }];
    }
    if (!f.principals || f.principals.length === 0) return `${notApplicable}: no principals to revoke`;
    return f.principals.map((principal) => revoke(f.target, principal));
  }
  if (f.principal === undefined) return `conflict ${conflict.id} names no principal`;
  const principal = f.principal;
  const pam = f.pam ?? { present: true, permissions: [] };
  switch (action) {
    case 'revoke': {
      const intents: ResolutionIntent[] = [revoke(f.target, principal)];
      if (f.iga?.present) intents.push({ kind: 'propose-to-iga', change: 'remove', target: f.target, principal, permissions: f.iga.permissions });
      return intents;
    }
    case 'iga-wins': {
      const iga = f.iga ?? { present: false, permissions: [] };
      if (!iga.present) return [revoke(f.target, principal)];
      return [{ kind: 'grant', target: f.target, principal, permissions: iga.permissions, mode: iga.mode ?? 'standing' }];
    }
    case 'pam-wins':
      return [{ kind: 'propose-to-iga', change: pam.present ? 'add' : 'remove', target: f.target, principal, permissions: pam.permissions }];
    default:
      return notApplicable;
  }
}

function revoke(target: PamTarget, principal: string): ResolutionIntent {
  return { kind: 'revoke', target, principal, cause: 'conflict-resolution' };
}

function readFacts(details: Record<string, unknown>): Facts | undefined {
  const t = details['target'] as Partial<PamTarget> | undefined;
  if (!t || typeof t.connectorId !== 'string' || typeof t.kind !== 'string' || typeof t.ref !== 'string') return undefined;
  const principal = typeof details['principal'] === 'string' ? details['principal'] : undefined;
  return {
    target: t as PamTarget,
    ...(principal !== undefined ? { principal } : {}),
    ...(isState(details['iga']) ? { iga: details['iga'] } : {}),
    ...(isState(details['pam']) ? { pam: details['pam'] } : {}),
    ...(Array.isArray(details['resolutions']) ? { resolutions: details['resolutions'] as Facts['resolutions'] } : {}),
    ...(Array.isArray(details['principals']) ? { principals: details['principals'] as string[] } : {}),
  };
}

function isState(v: unknown): v is PathState {
  return typeof v === 'object' && v !== null && typeof (v as PathState).present === 'boolean' && Array.isArray((v as PathState).permissions);
}
