/**
 * A start that cannot go on (environment, data directory, store, port). Its message is one line for the
 * operator; the CLI prints it without a stack trace and exits non-zero.
 */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message.replace(/\s*[\r\n]+\s*/g, ' '), options);
    this.name = 'StartupError';
  }
}
