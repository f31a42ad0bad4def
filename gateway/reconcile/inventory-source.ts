/**
 * The observed side of the diff: each PAM connector's inventory, paged through its `list-inventory` action and
 * streamed as it arrives. Vendors that list per container (CyberArk safe members) cannot list everything at
 * once: when the connector-wide listing cannot be planned, the targets expected there (and those Lockstep holds
 * grants on) are listed one by one. A connector whose listing fails is recorded and left out of the run: its
 * paths are neither reported missing nor its findings resolved on partial knowledge.
 */
import { ConnectorCallError, type ObservedAccess, type PamConnector } from '../connectors/pam-connector.ts';
import type { PamTarget } from '../domain/grant.ts';
import { targetKey } from '../domain/grant.ts';
import type { ObservedPath } from '../domain/reconciliation-diff.ts';
import { pathKeyOf } from './expected-paths.ts';

export interface InventoryPath extends ObservedPath {
  readonly target: PamTarget;
  readonly principal: string;
  readonly externalId?: string | undefined;
  readonly validUntil?: string | undefined;
}

export interface ConnectorInventoryStats {
  pages: number;
  paths: number;
  perTarget: boolean;
  /** Time spent waiting for pages (request, response, the profile's item extraction). */
  waitMs: number;
  error?: string;
}

export interface InventoryStats {
  readonly connectors: Map<string, ConnectorInventoryStats>;
}

/**
 * Pages of one listing, one page ahead: the next page is requested as soon as a page arrives, so the vendor's
 * latency overlaps with diffing the page in hand. Times each wait for a page that was not there yet.
 */
async function* timed(pages: AsyncIterable<readonly ObservedAccess[]>, s: ConnectorInventoryStats): AsyncGenerator<readonly ObservedAccess[]> {
  const it = pages[Symbol.asyncIterator]();
  let ahead = it.next();
  let finished = false;
  try {
    for (;;) {
      const t0 = performance.now();
      const r = await ahead;
      s.waitMs += performance.now() - t0;
      if (r.done) {
        finished = true;
        return;
      }
      ahead = it.next();
      ahead.catch(() => undefined);
      s.pages++;
      s.paths += r.value.length;
      yield r.value;
    }
  } finally {
    if (!finished) void ahead.then(() => it.return?.(), () => undefined).catch(() => undefined);
  }
}

export interface InventoryInput {
  readonly connector: PamConnector;
  /** Targets to list one by one when the vendor cannot list connector-wide (read when the listing starts). */
  readonly targets: () => Promise<Iterable<PamTarget>>;
}

function toPath(connectorId: string, a: ObservedAccess): InventoryPath {
  const target: PamTarget = { connectorId, kind: a.target.kind, ref: a.target.ref };
  return {
    key: pathKeyOf(target, a.principal), permissions: a.permissions, mode: a.validUntil ? 'jit' : 'standing',
    target, principal: a.principal, externalId: a.externalId, validUntil: a.validUntil,
  };
}

const isPermanent = (e: unknown): boolean => e instanceof ConnectorCallError && e.error.failure.kind === 'permanent';
const isNotFound = (e: unknown): boolean => e instanceof ConnectorCallError && e.error.failure.kind === 'http' && e.error.failure.status === 404;

export async function* inventorySource(inputs: readonly InventoryInput[], stats: InventoryStats, pageSize: number): AsyncGenerator<readonly InventoryPath[]> {
  for (const { connector, targets } of inputs) {
    const s: ConnectorInventoryStats = { pages: 0, paths: 0, perTarget: false, waitMs: 0 };
    stats.connectors.set(connector.id, s);
    try {
      try {
        for await (const page of timed(connector.listInventory({ pageSize }), s)) yield page.map((a) => toPath(connector.id, a));
        continue;
      } catch (e) {
        if (!isPermanent(e) || s.pages > 0) throw e;
        s.perTarget = true;
      }
      const seen = new Set<string>();
      for (const target of await targets()) {
        const tk = targetKey(target);
        if (target.connectorId !== connector.id || seen.has(tk)) continue;
        seen.add(tk);
        try {
          for await (const page of timed(connector.listInventory({ target: { kind: target.kind, ref: target.ref }, pageSize }), s)) yield page.map((a) => toPath(connector.id, a));
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
    } catch (e) {
      s.error = e instanceof Error ? e.message : String(e);
    }
  }
}
