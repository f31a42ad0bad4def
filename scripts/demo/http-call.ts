/** One HTTP call of the demo's simulated clients, answered as status and parsed body (never throws on 4xx/5xx). */
export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface HttpCall {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON with `contentType` (default `application/json`). */
  readonly json?: unknown;
  readonly contentType?: string;
  readonly timeoutMs?: number;
}

export async function httpCall(url: string, call: HttpCall = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = { accept: 'application/json, application/scim+json', ...call.headers };
  if (call.json !== undefined) headers['content-type'] = call.contentType ?? 'application/json';
  const res = await fetch(url, {
    method: call.method ?? (call.json === undefined ? 'GET' : 'POST'),
    headers,
    body: call.json === undefined ? undefined : JSON.stringify(call.json),
    signal: AbortSignal.timeout(call.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  let body: unknown = text;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, body };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export const basicAuth = (username: string, password: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
});
