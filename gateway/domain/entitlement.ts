import type { ConnectorId, EntitlementId } from './ids.ts';

export const RISK_TIERS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

/** The governance context IGA attaches to a privileged entitlement (SCIM Group + governance extension). */
export interface Governance {
  readonly owner?: string | undefined;
  readonly justification?: string | undefined;
  readonly reviewCadenceDays?: number | undefined;
  readonly lastCertifiedAt?: string | undefined;
  readonly riskTier?: RiskTier | undefined;
  /** Longest just-in-time elevation this entitlement allows, in minutes. */
  readonly jitMaxMinutes?: number | undefined;
  readonly breakGlass: boolean;
  readonly nonHuman: boolean;
}

/** An IGA-approved privileged access definition. Members are {@link Assignment}s, not part of this record. */
export interface Entitlement {
  readonly id: EntitlementId;
  readonly connectorId: ConnectorId;
  readonly externalId?: string | undefined;
  readonly displayName: string;
  readonly governance: Governance;
  readonly resource: Record<string, unknown>;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt?: string | undefined;
}

/** When the next review is due, or undefined when the entitlement has no cadence. Pure. */
export function reviewDueAt(governance: Governance, createdAt: string): string | undefined {
  if (!governance.reviewCadenceDays) return undefined;
  const from = Date.parse(governance.lastCertifiedAt ?? createdAt);
  return new Date(from + governance.reviewCadenceDays * 86_400_000).toISOString();
}
