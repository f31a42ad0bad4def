import { createHash } from 'node:crypto';

/**
 * How a connector's deliveries are told apart: the vendor's event id (a header, or a field of the body), or for
 * vendors without ids a SHA-256 over named fields (or over the raw body).
 */
export type DedupeRule =
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'field'; readonly path: string }
  | { readonly kind: 'content-hash'; readonly fields?: readonly string[] }
  /** Computed elsewhere (the vendor profile's dedupe expression through the mapping library). */
  | { readonly kind: 'compute'; readonly key: (input: DedupeInput) => string | undefined | Promise<string | undefined> };

/** Values at a dotted path; `name[]` walks every element of an array (`data.events[].uuid`). */
export function valuesAt(doc: unknown, path: string): unknown[] {
  let current: unknown[] = [doc];
  for (const raw of path.split('.')) {
    const spread = raw.endsWith('[]');
    const key = spread ? raw.slice(0, -2) : raw;
    const next: unknown[] = [];
    for (const c of current) {
      if (c === null || typeof c !== 'object') continue;
      const v = (c as Record<string, unknown>)[key];
      if (v === undefined) continue;
      if (spread && Array.isArray(v)) next.push(...v);
      else next.push(v);
    }
    current = next;
  }
  return current;
}

export function contentHash(parts: readonly (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

export interface DedupeInput {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly rawBody: Buffer;
  readonly parsed: unknown;
  /** An id the verification scheme already established (Standard Webhooks). */
  readonly eventId?: string | undefined;
}

/** The inbox dedupe key, or undefined when the rule names an id the delivery lacks. */
export function dedupeKey(rule: DedupeRule | undefined, input: DedupeInput): string | undefined | Promise<string | undefined> {
  if (!rule) return input.eventId ? `id:${input.eventId}` : `sha256:${contentHash([input.rawBody])}`;
  switch (rule.kind) {
    case 'header': {
      const v = input.headers[rule.name.toLowerCase()];
      const s = Array.isArray(v) ? v[0] : v;
      return s ? `id:${s}` : undefined;
    }
    case 'field': {
      const vs = valuesAt(input.parsed, rule.path).filter((v) => typeof v === 'string' || typeof v === 'number').map(String);
      return vs.length > 0 ? `id:${vs.sort().join(',')}` : undefined;
    }
    case 'compute':
      return rule.key(input);
    case 'content-hash': {
      const values = (rule.fields ?? []).map((f) => valuesAt(input.parsed, f));
      if (values.every((v) => v.length === 0)) return `sha256:${contentHash([input.rawBody])}`;
      return `sha256:${contentHash([JSON.stringify(values)])}`;
    }
  }
}
