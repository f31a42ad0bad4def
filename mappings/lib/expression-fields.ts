/**
 * Which top-level fields of its input an expression can read, found from JSONata's AST: `userName` reads
 * `userName`, `$identity.resource.emails[0].value` (with `identity` bound to the input) reads `resource`.
 * Conservative: anything that could reach the input as a whole (`$`, `$$`, a bare alias, wildcards, parent
 * and descendant steps, lambdas, or any construct not listed here) gives `undefined`, "cannot tell". Callers
 * use it to skip loading parts of a record that an expression never reads.
 */
import type jsonata from 'jsonata';

/** JSONata's processed AST, as far as it is read here (its published type lacks several node kinds). */
interface AstNode {
  readonly type: string;
  readonly value?: unknown;
  readonly steps?: readonly AstNode[];
  readonly stages?: readonly AstNode[];
  readonly predicate?: unknown;
  readonly expr?: AstNode;
  readonly expression?: AstNode;
  readonly expressions?: readonly AstNode[];
  readonly arguments?: readonly AstNode[];
  readonly procedure?: AstNode;
  readonly lhs?: AstNode | readonly (readonly [AstNode, AstNode])[];
  readonly rhs?: AstNode;
  readonly condition?: AstNode;
  readonly then?: AstNode;
  readonly else?: AstNode;
}

class CannotTell extends Error {}

const LEAVES = new Set(['string', 'number', 'value', 'regex', 'regexp']);

/**
 * The top-level input fields `ast` may read when evaluated against an input that the variables `aliases`
 * (without `$`) also name; undefined when it cannot tell.
 */
export function inputFieldsOf(ast: jsonata.ExprNode, aliases: readonly string[]): ReadonlySet<string> | undefined {
  const fields = new Set<string>();
  const alias = new Set(aliases);

  /** `atInput`: the node is evaluated with the input itself as its context (not a value below it). */
  function walk(node: AstNode | undefined, atInput: boolean): void {
    if (node === undefined) return;
    if (LEAVES.has(node.type)) return;
    switch (node.type) {
      case 'path': {
        const [first, second, ...rest] = node.steps ?? [];
        if (!first) return;
        if (first.type === 'variable' && (first.value === '' || alias.has(String(first.value)))) {
          if (first.value === '' && !atInput) throw new CannotTell();
          if (second?.type !== 'name') throw new CannotTell();
          fields.add(String(second.value));
          walkStages(first);
          walkStep(second);
        } else {
          walkFirst(first, atInput);
          if (second) walkStep(second);
        }
        for (const step of rest) walkStep(step);
        return;
      }
      case 'name':
        if (atInput) fields.add(String(node.value));
        walkStages(node);
        return;
      case 'variable':
        if (node.value === '' || alias.has(String(node.value))) throw new CannotTell();
        walkStages(node);
        return;
      case 'function':
      case 'partial':
        for (const a of node.arguments ?? []) walk(a, atInput);
        if (node.procedure?.type !== 'variable') throw new CannotTell();
        return;
      case 'binary':
        walk(node.lhs as AstNode, atInput);
        walk(node.rhs, atInput);
        return;
      case 'condition':
        walk(node.condition, atInput);
        walk(node.then, atInput);
        walk(node.else, atInput);
        return;
      case 'block':
        for (const e of node.expressions ?? []) walk(e, atInput);
        return;
      case 'unary':
        if (node.value === '-') return walk(node.expression, atInput);
        if (node.value === '[') {
          for (const e of node.expressions ?? []) walk(e, atInput);
          walkStages(node);
          return;
        }
        if (node.value === '{') {
          for (const [k, v] of (node.lhs ?? []) as readonly (readonly [AstNode, AstNode])[]) {
            walk(k, atInput);
            walk(v, atInput);
          }
          return;
        }
        throw new CannotTell();
      default:
        throw new CannotTell();
    }
  }

  /** The first step of a path is evaluated against the path's own context. */
  function walkFirst(step: AstNode, atInput: boolean): void {
    if (step.type === 'wildcard' || step.type === 'descendant' || step.type === 'parent') {
      if (atInput) throw new CannotTell();
      return;
    }
    walk(step, atInput);
  }

  /** Later steps run against values below the input: only what they reach through variables matters. */
  function walkStep(step: AstNode): void {
    if (step.type === 'name' || step.type === 'wildcard') return walkStages(step);
    if (step.type === 'parent') throw new CannotTell();
    walk(step, false);
  }

  function walkStages(node: AstNode): void {
    for (const s of node.stages ?? []) {
      if (s.type !== 'filter' && s.type !== 'index') throw new CannotTell();
      walk(s.expr, false);
    }
    if (node.predicate !== undefined) throw new CannotTell();
  }

  try {
    walk(ast as unknown as AstNode, true);
    return fields;
  } catch (e) {
    if (e instanceof CannotTell) return undefined;
    throw e;
  }
}
