import { type Id, type IdKind, type RandomSource, newId } from '../domain/ids.ts';
import { pooledRandom } from './pooled-random.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function increment(id: string): string {
  const chars = id.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    const at = CROCKFORD.indexOf(chars[i] as string);
    if (at < 0) break;
    if (at < CROCKFORD.length - 1) {
      chars[i] = CROCKFORD[at + 1] as string;
      return chars.join('');
    }
    chars[i] = '0';
  }
  return chars.join('');
}

/**
 * Ids that keep arrival order within one process even inside one millisecond (ids sort by time, then by their
 * random part): the inbox is read oldest first, so events of one subject are processed in the order received.
 */
export function monotonicIds<K extends IdKind>(kind: K, random: RandomSource): (nowMs: number) => Id<K> {
  let last = '';
  return (nowMs) => {
    let id: string = newId(kind, nowMs, random);
    if (id <= last) id = increment(last);
    last = id;
    return id as Id<K>;
  };
}

const generators = new WeakMap<RandomSource, Map<IdKind, (nowMs: number) => string>>();

/**
 * The next id of `kind` for this random source, in creation order (one monotonic generator per source and kind,
 * drawing its randomness in blocks).
 */
export function nextOrderedId<K extends IdKind>(kind: K, nowMs: number, random: RandomSource): Id<K> {
  let byKind = generators.get(random);
  if (!byKind) generators.set(random, (byKind = new Map()));
  let make = byKind.get(kind);
  if (!make) byKind.set(kind, (make = monotonicIds(kind, pooledRandom(random))));
  return make(nowMs) as Id<K>;
}
