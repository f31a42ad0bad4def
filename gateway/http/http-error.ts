/**
 * The admin API error envelope and the error that produces it. Routes throw (or pass to `next`) an
 * {@link HttpError} for an expected refusal; anything else is an unknown error, answered 500 without internals.
 */
export interface ErrorEnvelope {
  readonly error: { readonly code: string; readonly message: string; readonly requestId: string; readonly details?: unknown };
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function errorEnvelope(code: string, message: string, requestId: string, details?: unknown): ErrorEnvelope {
  return { error: { code, message, requestId, ...(details === undefined ? {} : { details }) } };
}
