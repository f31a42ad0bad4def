/** Small HTTP clients for the sync end-to-end tests: SCIM as an IGA sends it, the decisions API, bounded polling. */
export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const GOV = 'urn:ietf:params:scim:schemas:extension:lockstep:2.0:Group';
export const LSU = 'urn:ietf:params:scim:schemas:extension:lockstep:2.0:User';
export const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface Reply {
  readonly status: number;
  readonly body: any;
}

export async function call(url: string, method: string, token: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export class Scim {
  constructor(private readonly base: string, private readonly token: string) {}

  async user(userName: string, extra: Record<string, unknown> = {}): Promise<string> {
    const r = await call(`${this.base}/scim/v2/Users`, 'POST', this.token, { schemas: [USER], userName, active: true, emails: [{ value: `${userName}@corp.example`, primary: true }], ...extra });
    if (r.status !== 201) throw new Error(`create user ${userName}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id as string;
  }

  async group(displayName: string, governance: Record<string, unknown>, members: readonly string[] = []): Promise<string> {
    const r = await call(`${this.base}/scim/v2/Groups`, 'POST', this.token, {
      schemas: [GROUP, GOV], displayName, members: members.map((value) => ({ value })), [GOV]: governance,
    });
    if (r.status !== 201) throw new Error(`create group ${displayName}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id as string;
  }

  patch(resource: 'Users' | 'Groups', id: string, operations: readonly Record<string, unknown>[]): Promise<Reply> {
    return call(`${this.base}/scim/v2/${resource}/${id}`, 'PATCH', this.token, { schemas: [PATCH], Operations: operations });
  }

  get(path: string): Promise<Reply> {
    return call(`${this.base}/scim/v2${path}`, 'GET', this.token);
  }
}

export function decide(base: string, token: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Reply> {
  return call(`${base}/api/v1/decisions`, 'POST', token, body, { 'content-type': 'application/json', ...headers });
}

/**
 * Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs` naming `what`. The
 * default deadline (20 s, under the 30 s test timeout) only bounds a failing wait: the full suite shares 2 vCPUs.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

export const ISO_NOW = (): string => new Date().toISOString();
