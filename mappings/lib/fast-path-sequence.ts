/**
 * JSONata's semantics for a path of plain field names (`a.b.c`), without its evaluator: each step looks the
 * field up in every item of the input sequence, arrays met on the way are mapped over and flattened one level,
 * a step's result is a sequence, and at the end an empty sequence is nothing and a singleton sequence is its
 * item. One exception, as in JSONata: when the last step yields exactly one value and that value is an array
 * from the data (not a sequence built on the way), the path gives that array as it is, even empty or singleton.
 */

/** `value[key]` as JSONata's lookup sees it: own properties of non-array objects that are not JSONata functions. */
export function ownField(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  const o = value as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(o, key) || o['_jsonata_function'] === true || o['_jsonata_lambda'] === true) return undefined;
  return o[key];
}

/** JSONata's lookup of `key` over an array: every item's value, arrays (nested ones too) flattened one level. */
function lookupInto(items: readonly unknown[], key: string, out: unknown[]): void {
  for (const item of items) {
    if (Array.isArray(item)) {
      lookupInto(item, key, out);
      continue;
    }
    const v = ownField(item, key);
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) out.push(x);
    else out.push(v);
  }
}

/** What one step of a path gives for one item: nothing, a value (an array from the data included), or a sequence. */
interface StepValue {
  readonly value: unknown;
  readonly sequence: boolean;
}

function lookupStep(item: unknown, key: string): StepValue | undefined {
  if (!Array.isArray(item)) {
    const v = ownField(item, key);
    return v === undefined ? undefined : { value: v, sequence: false };
  }
  const out: unknown[] = [];
  lookupInto(item, key, out);
  if (out.length === 0) return undefined;
  return out.length === 1 ? { value: out[0], sequence: false } : { value: out, sequence: true };
}

/**
 * Evaluates the name steps `keys[from..]` of a path on the sequence the earlier steps gave (`[input]` when the
 * path starts with a name). An array result is a fresh array; its items are the input's own values.
 */
export function evaluateNamePath(sequence: readonly unknown[], keys: readonly string[], from: number): unknown {
  let input = sequence;
  let i = from;
  if (input.length === 1 && !Array.isArray(input[0])) {
    let cur = input[0];
    for (; i < keys.length && !Array.isArray(cur); i++) cur = ownField(cur, keys[i] as string);
    if (!Array.isArray(cur)) return cur;
    if (i === keys.length) return cur.slice();
    input = cur;
  }
  for (; i < keys.length; i++) {
    const key = keys[i] as string;
    const results: StepValue[] = [];
    for (const item of input) {
      const r = lookupStep(item, key);
      if (r) results.push(r);
    }
    const only = results.length === 1 ? results[0] : undefined;
    if (i === keys.length - 1 && only && !only.sequence && Array.isArray(only.value)) return only.value.slice();
    const next: unknown[] = [];
    for (const r of results) {
      if (Array.isArray(r.value)) for (const x of r.value) next.push(x);
      else next.push(r.value);
    }
    if (next.length === 0) return undefined;
    input = next;
  }
  return input.length === 1 ? input[0] : input;
}
