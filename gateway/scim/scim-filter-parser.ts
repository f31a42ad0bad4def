/**
 * RFC 7644 §3.4.2.2 filter grammar, parsed into a small tree. Our own parser: scimmy 1.3.5's rejects valid
 * filters such as `a eq "x" and (b pr) or c gt 5` and flattens the rest into a form that loses grouping.
 * Lenient where real clients are: operators and keywords in any case, and an unquoted value that is not
 * `true`/`false`/`null`/a number is read as a string (`userName sw O`, Microsoft's validator).
 */
import { COMPARISONS } from '../domain/query.ts';
import type { Comparison, Scalar } from '../domain/query.ts';
import { badFilter } from './scim-error.ts';

export type FilterNode =
  | { readonly kind: 'and' | 'or'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'not'; readonly arg: FilterNode }
  | { readonly kind: 'pr'; readonly path: string }
  | { readonly kind: 'cmp'; readonly path: string; readonly op: Comparison; readonly value: Scalar }
  | { readonly kind: 'valuePath'; readonly path: string; readonly filter: FilterNode };

type Token = { readonly t: '(' | ')' | '[' | ']' } | { readonly t: 'str'; readonly v: string } | { readonly t: 'word'; readonly v: string };

const MAX_FILTER_LENGTH = 4096;

function tokenise(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    if (c === '(' || c === ')' || c === '[' || c === ']') { out.push({ t: c }); i++; continue; }
    if (c === '"') {
      let j = i + 1;
      let raw = '"';
      while (j < input.length && input[j] !== '"') {
        if (input[j] === '\\') { raw += input[j]! + (input[j + 1] ?? ''); j += 2; continue; }
        raw += input[j]!;
        j++;
      }
      if (j >= input.length) throw badFilter(`unterminated string at position ${i + 1}`);
      try {
        out.push({ t: 'str', v: JSON.parse(`${raw}"`) as string });
      } catch {
        throw badFilter(`invalid string at position ${i + 1}`);
      }
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < input.length && !' \t\n\r()[]"'.includes(input[j]!)) j++;
    out.push({ t: 'word', v: input.slice(i, j) });
    i = j;
  }
  return out;
}

const ATTR_PATH = /^(urn:[A-Za-z0-9:._-]+:)?[A-Za-z$][\w$-]*(\.[A-Za-z$][\w$-]*)?$/i;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.or();
    if (this.pos < this.tokens.length) throw badFilter(`unexpected ${this.describe(this.tokens[this.pos]!)}`);
    return node;
  }

  private describe(tok: Token): string {
    return tok.t === 'word' || tok.t === 'str' ? `"${tok.v}"` : `"${tok.t}"`;
  }

  private keyword(word: string): boolean {
    const tok = this.tokens[this.pos];
    if (tok?.t === 'word' && tok.v.toLowerCase() === word) { this.pos++; return true; }
    return false;
  }

  private expect(t: '(' | ')' | ']'): void {
    const tok = this.tokens[this.pos];
    if (tok?.t !== t) throw badFilter(`expected "${t}"${tok ? ` before ${this.describe(tok)}` : ' at the end'}`);
    this.pos++;
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.keyword('or')) left = { kind: 'or', left, right: this.and() };
    return left;
  }

  private and(): FilterNode {
    let left = this.unary();
    while (this.keyword('and')) left = { kind: 'and', left, right: this.unary() };
    return left;
  }

  private unary(): FilterNode {
    if (this.keyword('not')) return { kind: 'not', arg: this.unary() };
    const tok = this.tokens[this.pos];
    if (!tok) throw badFilter('unexpected end of filter');
    if (tok.t === '(') {
      this.pos++;
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    if (tok.t !== 'word') throw badFilter(`expected an attribute, found ${this.describe(tok)}`);
    if (!ATTR_PATH.test(tok.v)) throw badFilter(`invalid attribute path "${tok.v}"`);
    this.pos++;
    const path = tok.v;
    if (this.tokens[this.pos]?.t === '[') {
      this.pos++;
      const filter = this.or();
      this.expect(']');
      return { kind: 'valuePath', path, filter };
    }
    const opTok = this.tokens[this.pos];
    if (opTok?.t !== 'word') throw badFilter(`expected an operator after "${path}"`);
    const op = opTok.v.toLowerCase();
    this.pos++;
    if (op === 'pr') return { kind: 'pr', path };
    if (!(COMPARISONS as readonly string[]).includes(op)) throw badFilter(`unknown operator "${opTok.v}"`);
    return { kind: 'cmp', path, op: op as Comparison, value: this.value(path) };
  }

  private value(path: string): Scalar {
    const tok = this.tokens[this.pos];
    if (!tok || (tok.t !== 'str' && tok.t !== 'word')) throw badFilter(`expected a value after the operator on "${path}"`);
    this.pos++;
    if (tok.t === 'str') return tok.v;
    const lower = tok.v.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (NUMBER.test(tok.v)) return Number(tok.v);
    if (['and', 'or', 'not'].includes(lower)) throw badFilter(`expected a value after the operator on "${path}"`);
    return tok.v;
  }
}

/** Parses a SCIM filter; throws a 400 `invalidFilter` ScimError on any syntax error. */
export function parseFilter(input: string): FilterNode {
  if (input.length > MAX_FILTER_LENGTH) throw badFilter(`filter longer than ${MAX_FILTER_LENGTH} characters`);
  const tokens = tokenise(input);
  if (tokens.length === 0) throw badFilter('empty filter');
  return new Parser(tokens).parse();
}

/** A PATCH path (RFC 7644 §3.5.2): `attrPath`, `attrPath[valFilter]` or `attrPath[valFilter].subAttr`. */
export interface PatchPath {
  readonly attrPath: string;
  readonly filter?: FilterNode;
  readonly subAttr?: string;
}

export function parsePatchPath(input: string): PatchPath {
  const open = input.indexOf('[');
  if (open < 0) {
    if (!ATTR_PATH.test(input.trim())) throw badFilter(`invalid path "${input}"`);
    return { attrPath: input.trim() };
  }
  const close = input.lastIndexOf(']');
  if (close < open) throw badFilter(`invalid path "${input}"`);
  const attrPath = input.slice(0, open).trim();
  if (!ATTR_PATH.test(attrPath)) throw badFilter(`invalid path "${input}"`);
  const filter = parseFilter(input.slice(open + 1, close));
  const rest = input.slice(close + 1).trim();
  if (rest === '') return { attrPath, filter };
  if (!/^\.[A-Za-z$][\w$-]*$/.test(rest)) throw badFilter(`invalid path "${input}"`);
  return { attrPath, filter, subAttr: rest.slice(1) };
}
