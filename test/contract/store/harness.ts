import { afterEach, beforeEach } from 'vitest';
import type { Store } from '../../../gateway/store/store.ts';

export interface OpenedStore {
  readonly store: Store;
  /** Opens another instance on the same database (the first stays open; the caller closes the new one). */
  readonly reopen?: () => Promise<Store>;
  readonly cleanup: () => Promise<void>;
}

export type OpenStore = () => Promise<OpenedStore>;

/** A fresh, empty store for every test. */
export interface Harness {
  readonly store: Store;
  readonly opened: OpenedStore;
  /** Another instance on the same database; closed after the test. */
  another(): Promise<Store>;
}

export function useStore(open: OpenStore): Harness {
  let opened: OpenedStore | undefined;
  const extra: Store[] = [];
  beforeEach(async () => {
    opened = await open();
  });
  afterEach(async () => {
    for (const s of extra.splice(0)) await s.close();
    await opened?.store.close();
    await opened?.cleanup();
    opened = undefined;
  });
  return {
    get store() {
      if (!opened) throw new Error('no store open');
      return opened.store;
    },
    get opened() {
      if (!opened) throw new Error('no store open');
      return opened;
    },
    async another() {
      if (!opened?.reopen) throw new Error('this store cannot be reopened');
      const s = await opened.reopen();
      extra.push(s);
      return s;
    },
  };
}
