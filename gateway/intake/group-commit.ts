import type { Store, StoreTx } from '../store/store.ts';

/**
 * Group commit: writes submitted while a transaction is being committed are gathered and committed together in
 * the next one, so that a burst of deliveries costs one commit instead of one each. Each submitter still learns
 * its own outcome. When a batch fails, its items are retried one transaction each, so that one bad item fails
 * alone.
 */
export interface GroupCommitter<I, O> {
  submit(item: I): Promise<O>;
  /** Resolves once everything submitted so far is committed (or failed). */
  drain(): Promise<void>;
}

export interface GroupCommitDeps<I, O> {
  readonly store: Pick<Store, 'transaction'>;
  readonly write: (tx: StoreTx, item: I) => Promise<O>;
  readonly maxBatch?: number;
}

interface Pending<I, O> {
  readonly item: I;
  readonly resolve: (o: O) => void;
  readonly reject: (e: unknown) => void;
}

export function createGroupCommitter<I, O>(deps: GroupCommitDeps<I, O>): GroupCommitter<I, O> {
  const maxBatch = deps.maxBatch ?? 256;
  let queue: Pending<I, O>[] = [];
  let running: Promise<void> | undefined;

  async function commitBatch(batch: Pending<I, O>[]): Promise<void> {
    try {
      const outcomes = await deps.store.transaction(async (tx) => {
        const out: O[] = [];
        for (const p of batch) out.push(await deps.write(tx, p.item));
        return out;
      });
      batch.forEach((p, i) => p.resolve(outcomes[i] as O));
    } catch (e) {
      if (batch.length === 1) {
        batch[0]?.reject(e);
        return;
      }
      for (const p of batch) await commitBatch([p]);
    }
  }

  async function loop(): Promise<void> {
    await new Promise<void>((r) => setImmediate(r));
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      await commitBatch(batch);
    }
    running = undefined;
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        running ??= loop();
      });
    },
    async drain() {
      while (running) await running;
    },
  };
}
