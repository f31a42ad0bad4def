/**
 * Full reconciliation: 1,000,000 active assignments (1,000,000 identities, 100 entitlements mapped to 100
 * safes) against 1,000,000 PAM grants served over HTTP by a lean inventory server (5,000 per page, vendor order)
 * with 3,000 known differences: 1,000 approved paths missing at PAM, 1,000 unapproved grants, 1,000 grants with
 * an extra permission. Measured in its own process (time, peak RSS) through the real path (store scans, mapping
 * resolution, profile connector paging, streaming diff, findings written); the baseline is the bare floor (raw
 * SQL scan, fetch + JSON.parse, Map diff). Seeding uses raw better-sqlite3 with the store's row encoders.
 * Then the incremental finding update per event, p99 (per round of 800 events, median of 5 rounds; the worst
 * round and the pooled p99 printed beside it). Targets (issue 7): ≤ 20 s, ≤ 1.5 GB, ≤ 1 ms p99.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchReport } from './run.ts';

const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reconcile-worker.ts');
const SAFES = 100;

export const PROFILE = `apiVersion: lockstep.dev/v1
kind: VendorProfile
name: bench-inventory
title: Bench inventory server
side: pam
outbound:
  auth: { kind: bearer }
  actions:
    list-inventory:
      method: GET
      path: /inventory
      query:
        cursor: "{{ cursor ? cursor : 0 }}"
        limit: "{{ pageSize }}"
      paging:
        items: items
        next: next
        item:
          principal: p
          kind: safe
          ref: s
          permissions: perms
`;
export const MAPPING = `apiVersion: lockstep.dev/v1
kind: EntitlementMapping
name: bench-safes
match:
  connector: sailpoint
  name: { regex: '^PAM-(?<safe>S[0-9]+)-Users$' }
targets:
  - connector: pam
    kind: safe
    ref: '{{ $captures.safe }}'
    permissions: [listAccounts, useAccounts]
access:
  mode: standing
drift: alert
conflict: iga-wins
`;

const user = (i: number): string => `u${String(i).padStart(7, '0')}`;

/** Row i of the vendor's list: the approved grant of user i, except the known differences. */
function row(i: number): string {
  if (i % 1000 === 1) return `{"p":"x${i}","s":"S${i % SAFES}","perms":["listAccounts","useAccounts"]}`;
  const perms = i % 1000 === 2 ? '["listAccounts","useAccounts","manageSafe"]' : '["useAccounts","listAccounts"]';
  return `{"p":"${user(i)}","s":"S${i % SAFES}","perms":${perms}}`;
}

export function inventoryServer(rows: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const from = Number(u.searchParams.get('cursor') ?? 0);
    const limit = Math.min(10_000, Number(u.searchParams.get('limit') ?? 5_000));
    const to = Math.min(rows, from + limit);
    const items: string[] = [];
    for (let i = from; i < to; i++) items.push(row(i));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"items":[${items.join(',')}]${to < rows ? `,"next":${to}` : ''}}`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  })));
}

async function runWorker(mode: string, dir: string, url: string, rows: number): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--max-old-space-size=4096', '--import', 'tsx', worker, mode, dir, url, String(rows)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

export default async function bench(report: BenchReport): Promise<void> {
  const rows = Number(process.env['RECONCILE_ROWS'] ?? 1_000_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-reconcile-bench-'));
  fs.mkdirSync(path.join(dir, 'mappings'));
  fs.writeFileSync(path.join(dir, 'mappings', 'bench-inventory.yaml'), PROFILE);
  fs.writeFileSync(path.join(dir, 'mappings', 'bench-safes.yaml'), MAPPING);
  const server = await inventoryServer(rows);
  try {
    const seeded = await runWorker('seed', dir, server.url, rows);
    console.log(`  (seeded ${rows} identities + assignments in ${String(seeded['ms'])} ms)`);
    const base = await runWorker('baseline', dir, server.url, rows);
    const full = await runWorker('full', dir, server.url, rows);
    const d = full['differences'] as Record<string, number>;
    const inventory = (full['connectors'] as { waitMs: number }[])[0]?.waitMs ?? 0;
    console.log(`  (phases ms: ${JSON.stringify(full['phases'])}; baseline ${String(base['ms'])} ms of which fetch + parse ${String(base['fetchMs'])} ms)`);
    const known = Math.round(rows / 1000);
    const ms = Number(full['ms']);
    const rss = Number(full['peakRssMb']);
    report({ name: 'full reconciliation 1M×1M over HTTP: time', value: ms, unit: 'ms', baseline: Number(base['ms']), target: '≤ 20000 ms', met: ms <= 20_000 });
    report({ name: 'full reconciliation 1M×1M over HTTP: peak RSS', value: rss, unit: 'MB', baseline: Number(base['peakRssMb']), target: '≤ 1536 MB', met: rss <= 1536 });
    const allFound = d['missingAtPam'] === known && d['unapprovedAtPam'] === known && d['permissionMismatch'] === known && d['modeMismatch'] === 0;
    report({ name: 'inventory paging via profile connector (1M items)', value: inventory, unit: 'ms', baseline: Number(base['fetchMs']) });
    report({ name: 'full reconciliation: known differences found', value: d['missingAtPam']! + d['unapprovedAtPam']! + d['permissionMismatch']!, unit: `of ${3 * known}`, target: 'all, none wrong', met: allFound });
    report({ name: 'full reconciliation: findings open (unapproved + extra)', value: Number(full['findingsOpen']), unit: `of ${2 * known}`, met: Number(full['findingsOpen']) === 2 * known });
    const inc = await runWorker('incremental', dir, server.url, rows);
    report({ name: 'incremental finding update per event: p99 (median round)', value: Number(inc['p99']), unit: 'ms', baseline: Number(inc['bareP99']), target: '≤ 1 ms', met: Number(inc['p99']) <= 1 });
    report({ name: 'incremental finding update: p99 worst of 5 rounds', value: Number(inc['p99Worst']), unit: 'ms' });
    report({ name: 'incremental finding update: p99 of all 4,000 events', value: Number(inc['p99Pooled']), unit: 'ms' });
    report({ name: 'incremental finding update per event: p50', value: Number(inc['p50']), unit: 'ms', baseline: Number(inc['bareP50']) });
    report({ name: 'commit of a 100-event batch (the engine\'s): p50', value: Number(inc['commitP50']), unit: 'ms' });
    report({ name: 'commit of a 100-event batch (the engine\'s): p99', value: Number(inc['commitP99']), unit: 'ms' });
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
