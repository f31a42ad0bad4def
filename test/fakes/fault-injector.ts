/**
 * Scripted faults shared by every vendor fake: a test queues what the next matching requests suffer
 * (an error status, 429 with Retry-After, a slow answer, a hang, a dropped socket) or takes the whole
 * server down and up again. The fake server consults `take()` once per request, before routing.
 */

export type Fault =
  | { readonly status: number; readonly retryAfter?: number | string; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>>; readonly delayMs?: number }
  /** Answer normally, but only after this delay. */
  | { readonly delayMs: number; readonly status?: undefined }
  /**
   * Never answer: the client must time out. `'after'` lets the request take effect first, then withholds
   * the answer (the vendor did it, the client cannot know: its retry must be harmless).
   */
  | { readonly hang: true | 'after' }
  /** Destroy the socket without an answer (reset / socket hang up); `'after'` once the effect is made. */
  | { readonly drop: true | 'after' };

/** Which requests a scripted fault applies to: a path (exact, case-insensitive) or regex, and/or a method. */
export type RouteMatcher =
  | { readonly method?: string; readonly path?: string | RegExp }
  | ((req: { readonly method: string; readonly path: string }) => boolean);

/** How `down()` takes the server away: close the listener (connection refused) or reset every connection. */
export type DownMode = 'refuse' | 'reset';

interface Scripted {
  readonly fault: Fault;
  remaining: number;
  readonly match: RouteMatcher | undefined;
}

/** The hooks the fake server gives the injector so that `down()`/`up()` act on the real listener. */
export interface ListenerControl {
  stopListening(mode: DownMode): Promise<void>;
  startListening(): Promise<void>;
}

export interface FaultInjector {
  /** Apply `fault` to the next `times` matching requests (default 1), after earlier scripted faults. */
  next(fault: Fault, times?: number, match?: RouteMatcher): FaultInjector;
  /** Apply `fault` to every matching request until `clear()`. */
  always(fault: Fault, match?: RouteMatcher): FaultInjector;
  /** Forget every scripted fault (does not bring a down server up). */
  clear(): void;
  /** Faults still queued (an `always` fault counts as Infinity). */
  pending(): number;
  /** How many requests suffered a fault so far. */
  injected(): number;
  down(mode?: DownMode): Promise<void>;
  up(): Promise<void>;
  isDown(): boolean;
  /** Used by the fake server: the fault for this request, if any (consumes one occurrence). */
  take(req: { readonly method: string; readonly path: string }): Fault | undefined;
}

function matches(match: RouteMatcher | undefined, req: { readonly method: string; readonly path: string }): boolean {
  if (match === undefined) return true;
  if (typeof match === 'function') return match(req);
  if (match.method !== undefined && match.method.toUpperCase() !== req.method.toUpperCase()) return false;
  if (match.path === undefined) return true;
  if (typeof match.path === 'string') return match.path.toLowerCase() === req.path.toLowerCase();
  return match.path.test(req.path);
}

export function createFaultInjector(listener: ListenerControl): FaultInjector {
  const queue: Scripted[] = [];
  let injectedCount = 0;
  let down = false;
  const injector: FaultInjector = {
    next(fault, times = 1, match) {
      if (times < 1) throw new Error('times must be at least 1');
      queue.push({ fault, remaining: times, match });
      return injector;
    },
    always(fault, match) {
      queue.push({ fault, remaining: Infinity, match });
      return injector;
    },
    clear() {
      queue.length = 0;
    },
    pending() {
      return queue.reduce((n, s) => n + s.remaining, 0);
    },
    injected() {
      return injectedCount;
    },
    async down(mode: DownMode = 'refuse') {
      if (down) return;
      down = true;
      await listener.stopListening(mode);
    },
    async up() {
      if (!down) return;
      await listener.startListening();
      down = false;
    },
    isDown() {
      return down;
    },
    take(req) {
      const index = queue.findIndex((s) => matches(s.match, req));
      if (index < 0) return undefined;
      const scripted = queue[index]!;
      scripted.remaining -= 1;
      if (scripted.remaining <= 0) queue.splice(index, 1);
      injectedCount += 1;
      return scripted.fault;
    },
  };
  return injector;
}
