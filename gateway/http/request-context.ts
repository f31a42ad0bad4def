/**
 * Gives every request an id and a child logger. A caller's `x-request-id` is kept when it is sane (so that
 * ids follow a request across systems); otherwise a `req_` id is made. The id is echoed in the response.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.ts';
import { type RandomSource, newId } from '../domain/ids.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The request id (`x-request-id`), echoed in the response and in every log line of the request. */
      id: string;
      /** Child logger carrying `requestId`. */
      log: Logger;
    }
  }
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export interface RequestContextDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly random: RandomSource;
}

export function requestContext(deps: RequestContextDeps): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.get('x-request-id');
    req.id = given !== undefined && SANE_REQUEST_ID.test(given) ? given : newId('request', deps.clock.now(), deps.random);
    req.log = deps.logger.child({ requestId: req.id });
    res.setHeader('x-request-id', req.id);
    next();
  };
}
