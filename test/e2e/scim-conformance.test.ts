/**
 * Microsoft's SCIM reference collection (newman) against the real gateway with SQLite. The collection fetches
 * its bearer token from `{{Api}}/Token`, which no product should serve: a test-only front server answers that one
 * path and passes every other request through to the gateway unchanged.
 * Every failing assertion must be in the allow-list below: each is a non-standard expectation of the collection.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGateway, createScimToken, startTestGateway } from '../support/gateway.ts';

/** The collection ships beside the repository (`../shared/conformance/`), or in test/fixtures when vendored. */
const FILE = 'ms-scim-reference.postman_collection.json';
const root = fileURLToPath(new URL('../..', import.meta.url));
const COLLECTION = [path.join(root, 'test/fixtures', FILE), path.join(root, '../shared/conformance', FILE)].find((f) => fs.existsSync(f));

/** `request name :: assertion` → why we do not do what the collection expects. */
export const ALLOWED_FAILURES: Readonly<Record<string, string>> = {
  'Get ServiceProviderConfig :: Status code is 200': 'asks for /serviceConfiguration; RFC 7644 §4 names it /ServiceProviderConfig (served)',
  'Get ServiceProviderConfig :: Pach supported is true': 'same non-standard /serviceConfiguration path',
  'Get group by id :: Body contians user': 'expects the client-sent members[].displayName echoed back; members[].display is the member\'s userName (RFC 7643 §4.2: display is read-only)',
  'Patch user omalley new username :: Status code is 204': 'RFC 7644 §3.5.2 allows 200 with the resource or 204; Users answer 200 with the resource, which Okta requires',
  'patch user omalley active with boolean :: Status code is 204': 'same: PATCH /Users answers 200 with the resource',
  'Group patch add member :: Status code is 204': 'adds a member "string id 1" that is no User: 400 invalidValue, nothing stored (an assignment needs a real identity)',
  'Group patch add member2 :: Status code is 204': 'same: member "string id 2" is no User',
};

interface Failure { readonly source?: { readonly name?: string }; readonly error?: { readonly test?: string; readonly message?: string } }
interface Summary { readonly run: { readonly stats: { readonly assertions: { readonly total: number; readonly failed: number } }; readonly failures: readonly Failure[] } }
interface Newman { run(opts: Record<string, unknown>, cb: (err: Error | null, summary: Summary) => void): void }

let gw: TestGateway;
let front: http.Server;
let frontUrl: string;

/** Answers `GET /scim/v2/Token` itself and pipes everything else to the gateway. */
function startFront(target: URL, token: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url?.toLowerCase().startsWith('/scim/v2/token')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }));
      return;
    }
    const upstream = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  gw = await startTestGateway({ config: { connectors: [{ id: 'entra', kind: 'iga', vendor: 'entra-id' }] } });
  const token = await createScimToken(gw.store, 'entra');
  front = await startFront(new URL(gw.url), token);
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => front?.close(resolve));
  await gw?.stop();
});

describe('Microsoft SCIM reference collection', () => {
  it('passes every standard assertion', async () => {
    expect(COLLECTION, `${FILE} not found`).toBeDefined();
    const mod = (await import('newman' as string)) as { default?: Newman } & Newman;
    const newman = mod.default ?? mod;
    const port = new URL(frontUrl).port;
    const summary = await new Promise<Summary>((resolve, reject) => {
      newman.run({
        collection: COLLECTION,
        environment: { values: [
          { key: 'Protocol', value: 'http' }, { key: 'Server', value: '127.0.0.1' },
          { key: 'Port', value: `:${port}` }, { key: 'Api', value: 'scim/v2' },
        ] },
        reporters: [],
        timeoutRequest: 10_000,
      }, (err, s) => (err ? reject(err) : resolve(s)));
    });
    const failures = summary.run.failures.map((f) => `${f.source?.name ?? '?'} :: ${f.error?.test ?? f.error?.message ?? '?'}`);
    const { total, failed } = summary.run.stats.assertions;
    console.log(`newman: ${total - failed}/${total} assertions passed`);
    for (const f of failures) console.log(`  failed: ${f}`);
    expect(failures.filter((f) => !(f in ALLOWED_FAILURES))).toEqual([]);
    expect(total - failed).toBeGreaterThanOrEqual(101);
  });
});
