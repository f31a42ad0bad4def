/**
 * Values that are synchronous on the fast path and promises only where JSONata had to run. Chaining through
 * these helpers keeps normalisation free of microtask hops when every expression of a rule compiled to direct
 * accessors.
 */
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

export function andThen<T, U>(value: MaybePromise<T>, fn: (v: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromise(value) ? value.then(fn) : fn(value);
}

export function all<T>(values: readonly MaybePromise<T>[]): MaybePromise<T[]> {
  return values.some(isPromise) ? Promise.all(values) : (values as T[]);
}

/** Evaluates the entries of a record, keeping the keys; entries whose value is undefined are dropped. */
export function allEntries<T>(entries: readonly (readonly [string, MaybePromise<T>])[]): MaybePromise<Record<string, T>> {
  return andThen(all(entries.map(([, v]) => v)), (values) => {
    const out: Record<string, T> = {};
    values.forEach((v, i) => {
      if (v !== undefined) out[entries[i]![0]] = v;
    });
    return out;
  });
}
