/**
 * A configuration that cannot be used. Its message is one line — file, field, what was expected — so that the
 * CLI can print it as is; `problems` holds every problem found for `lockstep config check`.
 */
export interface ConfigProblem {
  /** Field path such as `connectors[1].kind`; empty for the document itself. */
  readonly field: string;
  readonly message: string;
  /** 1-based position in the file, for syntax errors. */
  readonly line?: number;
  readonly column?: number;
}

export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: readonly ConfigProblem[]) {
    const first = problems[0] ?? { field: '', message: 'invalid configuration' };
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    super(`${formatProblem(file, first)}${more}`);
    this.name = 'ConfigError';
  }

  /** One line per problem. */
  lines(): string[] {
    return this.problems.map((p) => formatProblem(this.file, p));
  }
}

export function formatProblem(file: string, problem: ConfigProblem): string {
  const where = problem.line !== undefined ? `${file}:${problem.line}:${problem.column ?? 1}` : file;
  const field = problem.field ? `${problem.field}: ` : '';
  return oneLine(`${where}: ${field}${problem.message}`);
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

/** `['connectors', 1, 'kind']` → `connectors[1].kind`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
