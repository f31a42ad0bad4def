/**
 * Text of a configuration file → typed configuration, or a {@link ConfigError} naming the file, the field and
 * what was expected. Pure: the caller reads the file.
 */
import type { z } from 'zod';
import type { Result } from '../domain/result.ts';
import { type ConfigDocument, type LockstepConfig, configSchema } from './config-schema.ts';
import { ConfigError, type ConfigProblem, formatFieldPath } from './config-error.ts';
import { parseJsonText } from './json-text.ts';
import { type Environment, findMissingSecrets } from './secrets.ts';

export interface ValidatedConfig {
  readonly config: LockstepConfig;
  /** The document as parsed from the file, to be edited and written back without baking in defaults. */
  readonly document: ConfigDocument;
}

export interface ValidateOptions {
  /** Where the text came from, as shown in error messages. */
  readonly file: string;
  /** When given, every `env:NAME` reference must name a set variable. */
  readonly env?: Environment;
}

export function validateConfigText(text: string, opts: ValidateOptions): Result<ValidatedConfig, ConfigError> {
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    const { line, column, reason } = parsed.error;
    return { ok: false, error: new ConfigError(opts.file, [{ field: '', line, column, message: `invalid JSON: ${reason}` }]) };
  }
  return validateConfigDocument(parsed.value, opts);
}

export function validateConfigDocument(document: unknown, opts: ValidateOptions): Result<ValidatedConfig, ConfigError> {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return { ok: false, error: new ConfigError(opts.file, [{ field: '', message: `expected a JSON object, got ${describe(document)}` }]) };
  }
  const result = configSchema.safeParse(document, { reportInput: true });
  if (!result.success) return { ok: false, error: new ConfigError(opts.file, result.error.issues.map(toProblem)) };
  const missing = opts.env ? findMissingSecrets(result.data, opts.env) : [];
  if (missing.length > 0) return { ok: false, error: new ConfigError(opts.file, missing) };
  return { ok: true, value: { config: result.data, document: document as ConfigDocument } };
}

/** Fields whose values are never echoed in an error message. */
const SECRET_FIELDS = new Set(['secret', 'secrets', 'password', 'clientSecret', 'key', 'token', 'adminTokenHash']);

function toProblem(issue: z.core.$ZodIssue): ConfigProblem {
  const input = (issue as { input?: unknown }).input;
  const hidden = issue.path.some((k) => typeof k === 'string' && SECRET_FIELDS.has(k));
  const got = input === undefined ? 'missing' : hidden ? 'a value (hidden)' : describe(input);
  switch (issue.code) {
    case 'invalid_type':
      return problem(issue.path, input === undefined ? `required, expected ${article(issue.expected)}` : `expected ${article(issue.expected)}, got ${got}`);
    case 'invalid_value':
      return problem(issue.path, `expected ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}, got ${got}`);
    case 'invalid_union': {
      if ('discriminator' in issue && typeof issue.discriminator === 'string') {
        const options = ((issue as { options?: unknown[] }).options ?? []).map((v) => JSON.stringify(v)).join(' | ');
        const value = input !== null && typeof input === 'object' ? (input as Record<string, unknown>)[issue.discriminator] : undefined;
        const path = issue.path.at(-1) === issue.discriminator ? issue.path : [...issue.path, issue.discriminator];
        const gotValue = hidden ? 'a value (hidden)' : describe(value);
        return problem(path, value === undefined ? `required, expected ${options}` : `expected ${options}, got ${gotValue}`);
      }
      return problem(issue.path, `does not match any allowed form, got ${got}`);
    }
    case 'unrecognized_keys': {
      const [first] = issue.keys;
      const others = issue.keys.length > 1 ? ` (also ${issue.keys.slice(1).map((k) => JSON.stringify(k)).join(', ')})` : '';
      return problem([...issue.path, first ?? ''], `unknown field${others}`);
    }
    case 'invalid_format':
      return problem(issue.path, `expected ${formatName(issue)}, got ${got}`);
    case 'too_small':
      return problem(issue.path, `expected ${bound(issue.origin, '>=', issue.minimum)}, got ${got}`);
    case 'too_big':
      return problem(issue.path, `expected ${bound(issue.origin, '<=', issue.maximum)}, got ${got}`);
    case 'custom':
      return problem(issue.path, issue.message);
    default:
      return problem(issue.path, `${issue.message}, got ${got}`);
  }
}

function problem(path: readonly PropertyKey[], message: string): ConfigProblem {
  return { field: formatFieldPath(path), message };
}

function formatName(issue: z.core.$ZodIssueInvalidStringFormat): string {
  if (issue.format === 'regex' || issue.format === 'url') {
    return issue.message.startsWith('Invalid') ? `a ${issue.format === 'url' ? 'URL' : `string matching ${issue.pattern ?? 'the pattern'}`}` : issue.message;
  }
  return `a ${issue.format}`;
}

function bound(origin: string, op: '>=' | '<=', limit: number | bigint): string {
  if (origin === 'array' || origin === 'set') return `${op === '>=' ? 'at least' : 'at most'} ${limit} item(s)`;
  if (origin === 'string') return `${op === '>=' ? 'at least' : 'at most'} ${limit} character(s)`;
  return `a number ${op} ${limit}`;
}

function article(expected: string): string {
  if (expected === 'int') return 'an integer';
  if (expected === 'object' || expected === 'array') return `an ${expected}`;
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return value.length > 60 ? `${JSON.stringify(value.slice(0, 57))}…` : JSON.stringify(value);
  return String(value);
}
