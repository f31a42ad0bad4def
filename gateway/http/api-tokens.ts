/**
 * SCIM bearer tokens for IGA connectors: issued (shown once, only the hash stored), listed and revoked, each
 * change recorded in the ledger in the same transaction.
 */
import type { ApiToken } from '../domain/api-token.ts';
import { type Clock, isoAt } from '../domain/clock.ts';
import { type ConnectorId, type RandomSource, type TokenId, newId } from '../domain/ids.ts';
import type { Store } from '../store/store.ts';
import { SCIM_TOKEN_PREFIX, generateToken, hashToken } from './bearer-tokens.ts';

export interface ApiTokenDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: RandomSource;
}

export interface IssueScimToken {
  readonly connectorId: ConnectorId;
  readonly label?: string;
  readonly expiresInDays?: number;
  /** Who asked (`cli`, an admin), for the ledger. */
  readonly actor?: string;
}

export async function issueScimToken(deps: ApiTokenDeps, input: IssueScimToken): Promise<{ token: string; record: ApiToken }> {
  const now = deps.clock.now();
  const token = generateToken(SCIM_TOKEN_PREFIX, deps.random);
  const record: ApiToken = {
    id: newId('token', now, deps.random),
    scope: 'scim',
    connectorId: input.connectorId,
    label: input.label ?? `${input.connectorId} SCIM`,
    hash: hashToken(token),
    createdAt: new Date(now).toISOString(),
    expiresAt: input.expiresInDays === undefined ? undefined : new Date(now + input.expiresInDays * 86_400_000).toISOString(),
  };
  await deps.store.transaction(async (tx) => {
    await tx.tokens.insert(record);
    await tx.ledger.append({
      at: record.createdAt,
      actor: input.actor ?? 'cli',
      action: 'token.created',
      subject: record.id,
      data: { scope: record.scope, connectorId: record.connectorId, label: record.label, expiresAt: record.expiresAt ?? null },
    });
  });
  return { token, record };
}

/** false when no such token exists or it was already revoked. */
export async function revokeApiToken(deps: Omit<ApiTokenDeps, 'random'>, id: TokenId, actor = 'cli'): Promise<boolean> {
  const at = isoAt(deps.clock);
  return deps.store.transaction(async (tx) => {
    const revoked = await tx.tokens.revoke(id, at);
    if (revoked) await tx.ledger.append({ at, actor, action: 'token.revoked', subject: id, data: {} });
    return revoked;
  });
}
