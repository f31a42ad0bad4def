/** Validate at the edge, once: a route parses its input with a schema and works on the typed result only. */
import type { z } from 'zod';
import { HttpError } from '../http/http-error.ts';

export interface IssueView {
  readonly path: string;
  readonly message: string;
  readonly code: string;
}

/** The parsed value, or a 400 `invalid_request` carrying every zod issue (path, message, code). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issues: IssueView[] = r.error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)).join('.'),
    message: i.message,
    code: i.code,
  }));
  const first = issues[0];
  throw new HttpError(400, 'invalid_request', `invalid ${what}${first ? `: ${first.path ? `${first.path}: ` : ''}${first.message}` : ''}`, { issues });
}
