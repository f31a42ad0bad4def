import type { AssignmentId, ConnectorId, GrantId } from './ids.ts';

export const TARGET_KINDS = ['safe', 'role', 'policy', 'account', 'group', 'resource', 'secret'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** Something PAM protects, named as that PAM connector names it. */
export interface PamTarget {
  readonly connectorId: ConnectorId;
  readonly kind: TargetKind;
  readonly ref: string;
}

export function targetKey(target: PamTarget): string {
  return `${target.connectorId}/${target.kind}/${target.ref}`;
}

/**
 * An access path as PAM has it: principal → target. `source` says whether Lockstep put it there (through the
 * outbox, for an assignment) or only observed it (inventory, events) — an observed grant with no assignment is
 * unsynchronised access.
 */
export interface Grant {
  readonly id: GrantId;
  readonly target: PamTarget;
  /** The principal as the PAM connector names it (`bob`, `CORP\\bob`). */
  readonly principal: string;
  readonly permissions: readonly string[];
  readonly mode: 'standing' | 'jit';
  readonly windowStart?: string | undefined;
  readonly windowEnd?: string | undefined;
  readonly source: 'lockstep' | 'observed';
  readonly assignmentId?: AssignmentId | undefined;
  readonly externalId?: string | undefined;
  readonly status: 'active' | 'removed';
  readonly observedAt: string;
  readonly updatedAt: string;
}
