/**
 * SCIM throughput and p99: POST /Users and PATCH /Groups (add one member), Lockstep (SQLite, durable: WAL,
 * every change with its events and ledger entry) against a bare scimmy-routers server with in-memory handlers,
 * same keep-alive client, 10 connections, same run. Each server runs in its own process; the client in this one. Target: ≥ 0.7× the baseline's throughput, p99 ≤ 50 ms.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import type { BenchReport } from './run.ts';

const CONNECTIONS = 10;
const WARMUP_MS = 1_000;
const MEASURE_MS = 5_000;
const GROUPS = 50;
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface Target { readonly port: number; readonly token: string; close(): Promise<void> }
interface Req { readonly method: string; readonly path: string; readonly body: unknown }
interface Measure { readonly rps: number; readonly p99: number; readonly errors: number }

function request(agent: http.Agent, t: Target, r: Req): Promise<number> {
  const payload = JSON.stringify(r.body);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: t.port, path: r.path, method: r.method, agent,
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/scim+json', 'content-length': Buffer.byteLength(payload) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** `next(i)` makes the i-th request; runs CONNECTIONS loops for warm-up then the measured window. */
async function drive(t: Target, next: (i: number) => Req, okStatus: number[]): Promise<Measure> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let i = 0;
  const latencies: number[] = [];
  let errors = 0;
  const run = async (until: number, record: boolean): Promise<void> => {
    const loops = Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < until) {
        const started = process.hrtime.bigint();
        const status = await request(agent, t, next(i++));
        if (!record) continue;
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (!okStatus.includes(status)) errors++;
      }
    });
    await Promise.all(loops);
  };
  await run(Date.now() + WARMUP_MS, false);
  const start = Date.now();
  await run(start + MEASURE_MS, true);
  const elapsed = (Date.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / elapsed, p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0, errors };
}

/** Starts a server in its own process (see scim-bench-server.ts). */
function startServer(kind: 'lockstep' | 'baseline'): Promise<Target> {
  const child = fork(fileURLToPath(new URL('./scim-bench-server.ts', import.meta.url)), [kind], {
    execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
    child.once('message', (m) => {
      const { port, token } = m as { port: number; token: string };
      resolve({
        port, token,
        close: () => new Promise<void>((done) => { child.removeAllListeners('exit'); child.once('exit', () => done()); child.kill('SIGTERM'); }),
      });
    });
  });
}

async function seed(t: Target, users: number): Promise<{ userIds: string[]; groupIds: string[] }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post = (p: string, body: unknown): Promise<string> => new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port: t.port, path: p, method: 'POST', agent, headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/scim+json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => { try { resolve((JSON.parse(text) as { id: string }).id); } catch (e) { reject(e as Error); } });
    });
    req.on('error', reject);
    req.end(payload);
  });
  const userIds: string[] = [];
  const groupIds: string[] = [];
  for (let i = 0; i < GROUPS; i++) groupIds.push(await post('/scim/v2/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `group-${i}` }));
  for (let i = 0; i < users; i++) userIds.push(await post('/scim/v2/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `member-${i}` }));
  agent.destroy();
  return { userIds, groupIds };
}

const userBody = (i: number, tag: string): unknown => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  userName: `${tag}-user-${i}@example.com`, externalId: `${tag}-${i}`, active: true, displayName: `User ${i}`,
  name: { givenName: 'Bench', familyName: `User${i}` },
  emails: [{ value: `${tag}-user-${i}@example.com`, type: 'work', primary: true }],
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: String(i), department: 'Ops' },
});

export default async function scimBench(report: BenchReport): Promise<void> {
  const baseline = await startServer('baseline');
  const ours = await startServer('lockstep');
  try {
    const run = `${Date.now().toString(36)}`;
    const bPost = await drive(baseline, (i) => ({ method: 'POST', path: '/scim/v2/Users', body: userBody(i, `b${run}`) }), [201]);
    const oPost = await drive(ours, (i) => ({ method: 'POST', path: '/scim/v2/Users', body: userBody(i, `o${run}`) }), [201]);
    const members = 3_000;
    const bSeed = await seed(baseline, members);
    const oSeed = await seed(ours, members);
    const patch = (s: { userIds: string[]; groupIds: string[] }) => (i: number): Req => ({
      method: 'PATCH',
      path: `/scim/v2/Groups/${s.groupIds[i % GROUPS]}`,
      body: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'members', value: [{ value: s.userIds[Math.floor(i / GROUPS) % members] }] }] },
    });
    const bPatch = await drive(baseline, patch(bSeed), [200, 204]);
    const oPatch = await drive(ours, patch(oSeed), [200, 204]);
    for (const [name, o, b] of [['POST /Users', oPost, bPost], ['PATCH /Groups add member', oPatch, bPatch]] as const) {
      report({ name: `scim ${name} throughput`, value: o.rps, unit: 'req/s', baseline: b.rps, target: '≥ 0.7× scimmy-routers in memory', met: o.rps >= 0.7 * b.rps && o.errors === 0 });
      report({ name: `scim ${name} p99 (10 connections)`, value: o.p99, unit: 'ms', baseline: b.p99, target: '≤ 50 ms', met: o.p99 <= 50 });
      if (o.errors > 0 || b.errors > 0) report({ name: `scim ${name} unexpected statuses`, value: o.errors, unit: 'responses', baseline: b.errors, met: o.errors === 0 });
    }
  } finally {
    await baseline.close();
    await ours.close();
  }
}
