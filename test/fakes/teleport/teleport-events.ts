/**
 * Teleport audit event shapes (as the event-handler plugin exports them) and SENDERS for the webhooks
 * plugin body and for audit events. Event names and codes follow Teleport's audit reference:
 * `access_request.create` T5000I, `access_request.update` T5001I, `session.start` T2000I, `session.end` T2004I.
 */

export interface TeleportAuditEvent {
  readonly event: string;
  readonly code: string;
  readonly uid: string;
  readonly time: string;
  readonly [field: string]: unknown;
}

let uidSeq = 0;
const nextUid = (): string => `evt-${String(++uidSeq).padStart(8, '0')}`;

export function accessRequestCreateEvent(r: { id: string; user: string; roles: readonly string[]; reason?: string; time?: string }): TeleportAuditEvent {
  return { event: 'access_request.create', code: 'T5000I', uid: nextUid(), time: r.time ?? new Date().toISOString(), id: r.id, user: r.user, roles: [...r.roles], state: 'PENDING', reason: r.reason ?? '' };
}

export function accessRequestUpdateEvent(r: { id: string; state: 'APPROVED' | 'DENIED'; updatedBy: string; user?: string; roles?: readonly string[]; reason?: string; time?: string }): TeleportAuditEvent {
  return {
    event: 'access_request.update', code: 'T5001I', uid: nextUid(), time: r.time ?? new Date().toISOString(), id: r.id, state: r.state, updated_by: r.updatedBy,
    ...(r.user ? { user: r.user } : {}), ...(r.roles ? { roles: [...r.roles] } : {}), reason: r.reason ?? '',
  };
}

export function sessionStartEvent(s: { sid: string; user: string; login?: string; server?: string; time?: string }): TeleportAuditEvent {
  return {
    event: 'session.start', code: 'T2000I', uid: nextUid(), time: s.time ?? new Date().toISOString(), sid: s.sid, user: s.user,
    login: s.login ?? 'root', server_id: 'node-1', server_hostname: s.server ?? 'node-1.example.test', 'addr.remote': '10.0.0.7:52100', session_recording: 'node',
  };
}

export function sessionEndEvent(s: { sid: string; user: string; start: string; stop?: string; login?: string; server?: string; time?: string }): TeleportAuditEvent {
  const stop = s.stop ?? new Date().toISOString();
  return {
    event: 'session.end', code: 'T2004I', uid: nextUid(), time: s.time ?? stop, sid: s.sid, user: s.user, login: s.login ?? 'root', participants: [s.user],
    session_start: s.start, session_stop: stop, server_id: 'node-1', server_hostname: s.server ?? 'node-1.example.test', interactive: true,
  };
}

/** The community webhooks plugin's body. */
export interface TeleportWebhookBody {
  readonly RequestID: string;
  readonly User: string;
  readonly Roles: readonly string[];
  readonly State: 'Pending' | 'Approved' | 'Denied';
  readonly CreatedAt: string;
  readonly RequestReason?: string;
  readonly ResolveReason?: string;
}

export interface BasicAuth {
  readonly username: string;
  readonly password: string;
}

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.text() };
}

const basic = (auth: BasicAuth | undefined): Record<string, string> =>
  auth ? { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` } : {};

/** Posts what the webhooks plugin posts: the request summary, basic auth only (no signature). */
export function sendTeleportWebhook(url: string, body: TeleportWebhookBody, auth?: BasicAuth): Promise<{ status: number; body: string }> {
  return post(url, body, basic(auth));
}

/** Posts one audit event as the event-handler plugin forwards it. */
export function sendTeleportAuditEvent(url: string, event: TeleportAuditEvent, auth?: BasicAuth): Promise<{ status: number; body: string }> {
  return post(url, event, basic(auth));
}
