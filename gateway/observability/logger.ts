/**
 * The JSON logger (pino). Every module gets a child logger with named fields (`{ connectorId, requestId }`);
 * credentials are redacted wherever they appear in a logged object or a child's bindings (see `redact.ts`).
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { redact } from './redact.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly level?: string;
  /** Where lines go; stdout when omitted. */
  readonly destination?: DestinationStream;
  readonly base?: Record<string, unknown>;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const logger = pino(
    {
      level: opts.level ?? 'info',
      base: { service: 'lockstep', ...opts.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redact(object),
      },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return redactChildBindings(logger);
}

/**
 * pino serialises a child's bindings once, without the `bindings` formatter; censor them on the way in.
 * Children inherit from their parent instance, so this one override covers every descendant.
 */
function redactChildBindings(logger: Logger): Logger {
  type ChildFn = (this: Logger, bindings: Record<string, unknown>, options?: unknown) => Logger;
  const child = logger.child as unknown as ChildFn;
  const redactedChild: ChildFn = function redactedChild(this: Logger, bindings, options) {
    return child.call(this, redact(bindings), options);
  };
  logger.child = redactedChild as unknown as Logger['child'];
  return logger;
}
