/**
 * The ordered log of requests a fake received, and of the state changes they caused, so that tests can
 * assert "this idempotency key had its effect exactly once" after crashes, retries and replays.
 */

export interface CallRecord {
  readonly seq: number;
  readonly at: number;
  readonly method: string;
  /** Path without the query string, as received (not lower-cased). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Header names lower-cased, as node gives them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: string;
  readonly body: unknown;
  readonly idempotencyKey: string | undefined;
  /** The route pattern that handled it, when one matched. */
  route: string | undefined;
  status: number | undefined;
  /** The fault injected into this request, if any (then no handler ran). */
  fault: string | undefined;
  /** State changes this request made, as `resource` strings (for example `safe:Finance/member:bob`). */
  readonly effects: string[];
}

export interface CallFilter {
  readonly method?: string;
  /** A route pattern (as given to the router) or a regex on the path. */
  readonly route?: string;
  readonly path?: RegExp;
}

export class CallLog {
  private readonly records: CallRecord[] = [];

  /** Used by the fake server. */
  append(record: Omit<CallRecord, 'seq' | 'effects' | 'route' | 'status' | 'fault'>): CallRecord {
    const full: CallRecord = { ...record, seq: this.records.length + 1, effects: [], route: undefined, status: undefined, fault: undefined };
    this.records.push(full);
    return full;
  }

  all(): readonly CallRecord[] {
    return this.records;
  }

  get length(): number {
    return this.records.length;
  }

  filter(f: CallFilter = {}): CallRecord[] {
    return this.records.filter(
      (r) =>
        (f.method === undefined || r.method === f.method.toUpperCase()) &&
        (f.route === undefined || r.route === f.route) &&
        (f.path === undefined || f.path.test(r.path)),
    );
  }

  count(f: CallFilter = {}): number {
    return this.filter(f).length;
  }

  last(f: CallFilter = {}): CallRecord | undefined {
    const list = this.filter(f);
    return list[list.length - 1];
  }

  /** Per idempotency key, how many requests carrying it changed state (should be 1 for each key). */
  effectsByKey(): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.records) {
      if (r.idempotencyKey === undefined || r.effects.length === 0) continue;
      out.set(r.idempotencyKey, (out.get(r.idempotencyKey) ?? 0) + 1);
    }
    return out;
  }

  /** Per resource, how many state changes it saw (a grant then a revoke of one member counts 2). */
  stateChanges(): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.records) for (const e of r.effects) out.set(e, (out.get(e) ?? 0) + 1);
    return out;
  }

  /** Total state changes made, all resources together. */
  effectCount(): number {
    return this.records.reduce((n, r) => n + r.effects.length, 0);
  }

  clear(): void {
    this.records.length = 0;
  }
}
