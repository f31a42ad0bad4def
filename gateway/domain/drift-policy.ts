import type { AccessDifference } from './reconciliation-diff.ts';

/** What a mapping says to do about access PAM has beyond what IGA approved. */
export const DRIFT_POLICIES = ['alert', 'revoke', 'propose'] as const;
export type DriftPolicy = (typeof DRIFT_POLICIES)[number];

export type DriftIntent =
  /** IGA approved standing access PAM lacks: provision it (the approve flow catching up). */
  | { readonly kind: 'grant'; readonly key: string; readonly permissions: readonly string[] }
  | { readonly kind: 'revoke'; readonly key: string }
  /** Bring the grant to exactly the approved permissions. */
  | { readonly kind: 'set-permissions'; readonly key: string; readonly permissions: readonly string[] }
  /** Open a `pam-grant-unapproved` conflict: a person decides whether IGA adopts it. */
  | { readonly kind: 'conflict'; readonly key: string };

export interface DriftPlan {
  /** Raise (or keep) a `pam-grant-without-entitlement` finding for this path. */
  readonly finding: boolean;
  readonly intents: readonly DriftIntent[];
}

/**
 * Applies a drift policy to one reconciliation difference. Missing approved access is always provisioned.
 * Excess at PAM (an unapproved grant, extra permissions, standing where only JIT is approved) is always a
 * finding; `revoke` also removes the excess, `propose` opens a conflict for a person to decide, `alert` leaves
 * it (while still adding approved permissions PAM lacks).
 */
export function planDrift(difference: AccessDifference, policy: DriftPolicy): DriftPlan {
  const { key } = difference;
  switch (difference.kind) {
    case 'missing-at-pam':
      return { finding: false, intents: [{ kind: 'grant', key, permissions: difference.expected.permissions }] };
    case 'unapproved-at-pam':
      return { finding: true, intents: excess(policy, key, { kind: 'revoke', key }) };
    case 'mode-mismatch':
      return { finding: true, intents: excess(policy, key, { kind: 'revoke', key }) };
    case 'permission-mismatch': {
      const fix: DriftIntent = { kind: 'set-permissions', key, permissions: difference.expected.permissions };
      if (difference.extra.length === 0) return { finding: false, intents: [fix] };
      if (policy === 'alert' && difference.missing.length > 0) {
        const keep = [...new Set([...difference.observed.permissions, ...difference.missing])].sort();
        return { finding: true, intents: [{ kind: 'set-permissions', key, permissions: keep }] };
      }
      return { finding: true, intents: excess(policy, key, fix) };
    }
  }
}

function excess(policy: DriftPolicy, key: string, remove: DriftIntent): DriftIntent[] {
  if (policy === 'revoke') return [remove];
  if (policy === 'propose') return [{ kind: 'conflict', key }];
  return [];
}
