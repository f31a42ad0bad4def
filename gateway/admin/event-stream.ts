/**
 * `GET /events`: domain events as server-sent events (`id` = seq, `event: domain`, `data` = the event JSON),
 * read from the store's event log (so every replica serves every event), with heartbeat comments. A client
 * resumes with `Last-Event-ID`; without it the stream starts at the newest event. Authenticated by the same
 * bearer header as the rest of the API (the console reads it with fetch streaming: no token in URLs).
 */
import type { Request, Response } from 'express';
import { Router } from 'express';
import type { DomainEvent } from '../domain/domain-event.ts';
import type { AdminDeps } from './admin-deps.ts';

const BATCH = 200;

function serverStopped(req: Request): boolean {
  const server = (req.socket as { server?: { listening?: boolean } }).server;
  return server !== undefined && server.listening === false;
}

export function formatSse(event: DomainEvent): string {
  return `id: ${event.seq}\nevent: domain\ndata: ${JSON.stringify(event)}\n\n`;
}

export function createEventStreamRoutes(deps: Pick<AdminDeps, 'store' | 'events' | 'logger'>): Router {
  const pollMs = deps.events?.pollMs ?? 500;
  const heartbeatMs = deps.events?.heartbeatMs ?? 15_000;
  const router = Router();
  router.get('/events', async (req: Request, res: Response) => {
    const resume = req.get('last-event-id');
    let after = resume !== undefined && /^\d{1,15}$/.test(resume) ? Number(resume) : await deps.store.events.lastSeq();
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 2000\n: connected at seq ${after}\n\n`);
    let closed = false;
    let lastWrite = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      closed = true;
      clearTimeout(timer);
    };
    req.on('close', stop);
    const tick = async (): Promise<void> => {
      if (closed) return;
      if (serverStopped(req)) {
        stop();
        res.end();
        return;
      }
      try {
        for (;;) {
          const events = await deps.store.events.readAfter(after, BATCH);
          if (closed) return;
          for (const event of events) res.write(formatSse(event));
          if (events.length > 0) {
            after = events[events.length - 1]!.seq;
            lastWrite = Date.now();
          }
          if (events.length < BATCH) break;
        }
        if (Date.now() - lastWrite >= heartbeatMs) {
          res.write(': heartbeat\n\n');
          lastWrite = Date.now();
        }
      } catch (e) {
        deps.logger.warn({ err: e, after }, 'event stream read failed; closing it (the client resumes)');
        stop();
        res.end();
        return;
      }
      timer = setTimeout(() => void tick(), pollMs);
    };
    await tick();
  });
  return router;
}
