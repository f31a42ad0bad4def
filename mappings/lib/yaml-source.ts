/** YAML with positions: every error the loader reports names file:line:column. */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Document, type Node } from 'yaml';
import { err, ok, type Result } from './result.ts';

export interface LoadError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export function formatLoadError(e: LoadError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.message}`;
}

export interface YamlSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly value: unknown;
}

export type YamlPath = readonly (string | number)[];

export function parseYaml(file: string, text: string): Result<YamlSource, LoadError[]> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    return err(doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return { file, line: pos.line, column: pos.col, message: `invalid YAML: ${e.message.split('\n')[0]} (${e.code})` };
    }));
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // An alias to an anchor that is not set, or an alias bomb: the document cannot be read.
    return err([{ file, line: 1, column: 1, message: `invalid YAML: ${(e as Error).message}` }]);
  }
  return ok({ file, text, doc, lines, value });
}

/** The deepest node on `path` (a missing key resolves to its parent), and whether the whole path was found. */
export function nodeAt(src: YamlSource, path: YamlPath): { node: Node | undefined; found: boolean; keyNode?: Node } {
  let node = src.doc.contents as Node | null;
  let keyNode: Node | undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String((p.key as Scalar).value) === String(key));
      if (!pair) return { node, found: false };
      keyNode = pair.key as Node;
      node = (pair.value as Node | null) ?? keyNode;
    } else if (isSeq(node) && typeof key === 'number' && node.items[key]) {
      keyNode = undefined;
      node = node.items[key] as Node;
    } else {
      return { node: node ?? undefined, found: false };
    }
  }
  return { node: node ?? undefined, found: true, ...(keyNode ? { keyNode } : {}) };
}

/**
 * Line and column of `path`, and of a character offset inside the scalar's value when given (used for
 * positions inside expressions). Block scalars and escapes make the inner offset approximate: it is exact for
 * plain and quoted single-line scalars, and line-exact for literal blocks.
 */
export function locate(src: YamlSource, path: YamlPath, offset?: number): { line: number; column: number } {
  const { node } = nodeAt(src, path);
  const start = node?.range?.[0] ?? 0;
  if (offset === undefined || !isScalar(node)) return toPos(src, start);
  const type = (node as Scalar).type;
  if (type === Scalar.PLAIN) return toPos(src, start + offset);
  if (type === Scalar.QUOTE_DOUBLE || type === Scalar.QUOTE_SINGLE) return toPos(src, start + 1 + offset);
  if (type === Scalar.BLOCK_LITERAL || type === Scalar.BLOCK_FOLDED) {
    const value = String((node as Scalar).value);
    const before = value.slice(0, offset);
    const lineInValue = before.split('\n').length - 1;
    const col = offset - (before.lastIndexOf('\n') + 1);
    const header = toPos(src, start);
    const contentLine = header.line + 1 + lineInValue;
    const lineText = src.text.split('\n')[contentLine - 1] ?? '';
    const indent = lineText.length - lineText.trimStart().length;
    return { line: contentLine, column: indent + col + 1 };
  }
  return toPos(src, start);
}

function toPos(src: YamlSource, offset: number): { line: number; column: number } {
  const p = src.lines.linePos(offset);
  return { line: p.line, column: p.col };
}

export function errorAt(src: YamlSource, path: YamlPath, message: string, offset?: number): LoadError {
  const { line, column } = locate(src, path, offset);
  return { file: src.file, line, column, message };
}
