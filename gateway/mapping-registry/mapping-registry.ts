/**
 * Holds the mapping set in use and swaps it atomically: `reload()` builds a complete new set and replaces the
 * current one only if every file loaded; otherwise the old set stays and the errors (file:line:column) are kept
 * as `lastError` for the admin API and the console. Reloads are serialised. Subscribers ({@link
 * MappingRegistry.onChange}) hear of every set swapped in (never of one that did not load), after the swap.
 */
import type { Clock } from '../domain/clock.ts';
import type { LoadError, MappingSet, Result } from '../../mappings/lib/index.ts';

export interface RegistryLog {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface MappingRegistryDeps {
  readonly load: () => Promise<Result<MappingSet, LoadError[]>>;
  readonly clock: Clock;
  readonly log?: RegistryLog | undefined;
  /** Called after every successful swap (e.g. to append a `mapping.reloaded` domain event). */
  readonly onReloaded?: ((set: MappingSet, version: number) => void) | undefined;
}

export interface RegistryStatus {
  /** Increments on every successful swap; 0 before the first. */
  readonly version: number;
  readonly loadedAt?: string | undefined;
  readonly files: readonly string[];
  readonly profiles: readonly string[];
  readonly mappings: readonly string[];
  readonly lastError?: { readonly at: string; readonly errors: readonly LoadError[] } | undefined;
}

/** Hears of a set swapped in: `version` is its {@link RegistryStatus.version}. */
export type MappingListener = (set: MappingSet, version: number) => void;

export interface MappingRegistry {
  /** The set in use; undefined until the first successful load. */
  current(): MappingSet | undefined;
  reload(): Promise<Result<MappingSet, LoadError[]>>;
  status(): RegistryStatus;
  /**
   * Calls `listener` after each new set is swapped in (not for a reload that failed: the old set stays in use);
   * returns the unsubscribe. A listener that throws is logged and does not stop the others.
   */
  onChange(listener: MappingListener): () => void;
}

export function createMappingRegistry(deps: MappingRegistryDeps): MappingRegistry {
  let set: MappingSet | undefined;
  let version = 0;
  let loadedAt: string | undefined;
  let lastError: RegistryStatus['lastError'];
  let queue: Promise<unknown> = Promise.resolve();
  const listeners = new Set<MappingListener>();
  const iso = () => new Date(deps.clock.now()).toISOString();

  async function doReload(): Promise<Result<MappingSet, LoadError[]>> {
    let r: Result<MappingSet, LoadError[]>;
    try {
      r = await deps.load();
    } catch (e) {
      r = { ok: false, error: [{ file: '(mappings)', line: 0, column: 0, message: `could not read mappings: ${(e as Error).message}` }] };
    }
    if (!r.ok) {
      lastError = { at: iso(), errors: r.error };
      deps.log?.warn({ errors: r.error.length, first: r.error[0], version }, 'mapping reload failed; keeping the set in use');
      return r;
    }
    set = r.value;
    version += 1;
    loadedAt = iso();
    lastError = undefined;
    deps.log?.info({ version, files: r.value.files.length, profiles: r.value.profiles.size, mappings: r.value.mappings.length }, 'mappings reloaded');
    deps.onReloaded?.(r.value, version);
    for (const listener of [...listeners]) {
      try {
        listener(r.value, version);
      } catch (e) {
        deps.log?.warn({ err: (e as Error).message, version }, 'a mapping-change listener failed');
      }
    }
    return r;
  }

  return {
    current: () => set,
    reload() {
      const next = queue.then(doReload, doReload);
      queue = next;
      return next;
    },
    status: () => ({
      version,
      loadedAt,
      files: set?.files ?? [],
      profiles: set ? [...set.profiles.keys()] : [],
      mappings: set?.mappings.map((m) => m.name) ?? [],
      lastError,
    }),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
