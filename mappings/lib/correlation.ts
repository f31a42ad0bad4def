/** PAM principal → IGA identity, by the mapping's correlation keys. Never guesses: none and several are results. */
import type { CompiledMapping } from './compile-mapping.ts';
import type { IdentityInput } from './entitlement-input.ts';

export type Correlation<I extends IdentityInput = IdentityInput> =
  | { readonly outcome: 'one'; readonly key: string; readonly identity: I }
  | { readonly outcome: 'none'; readonly key: string | undefined }
  | { readonly outcome: 'ambiguous'; readonly key: string; readonly identities: readonly I[] };

const keyOf = (v: unknown, fold: boolean): string | undefined =>
  typeof v === 'string' && v !== '' ? (fold ? v.toLowerCase() : v) : typeof v === 'number' ? String(v) : undefined;

export async function correlatePrincipal<I extends IdentityInput>(mapping: CompiledMapping, principal: string, candidates: readonly I[]): Promise<Correlation<I>> {
  const { caseInsensitive: fold } = mapping.correlation;
  const key = keyOf(await mapping.correlation.principal.evaluate(principal, { principal }), fold);
  if (key === undefined) return { outcome: 'none', key };
  const found: I[] = [];
  for (const identity of candidates) {
    if (keyOf(await mapping.correlation.identity.evaluate(identity, { identity }), fold) === key) found.push(identity);
  }
  if (found.length === 1) return { outcome: 'one', key, identity: found[0]! };
  return found.length === 0 ? { outcome: 'none', key } : { outcome: 'ambiguous', key, identities: found };
}
