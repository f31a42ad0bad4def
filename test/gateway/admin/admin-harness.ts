/**
 * Starts the real gateway (SQLite in a temp dir) with a mappings directory of its own (a copy of the
 * cyberark-safes example), one PAM and one IGA connector configured with secrets, and the demo state seeded.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { seedDemo, type Seeded } from './admin-seed.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const PAM_SECRET = 'pam-bearer-secret-value-123';
export const IGA_SECRET = 'iga-inbound-secret-value-456';

export interface AdminGateway {
  readonly gw: TestGateway;
  readonly token: string;
  readonly seeded: Seeded;
  readonly mappingsDir: string;
  /** fetch against `/api/v1` with the admin token (unless `authorization` is given) and JSON by default. */
  api(pathAndQuery: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
}

/** `env` selects e.g. PostgreSQL (`LOCKSTEP_DATABASE_URL`, `LOCKSTEP_DATABASE_SCHEMA`). */
export async function startAdminGateway(env?: Record<string, string>): Promise<AdminGateway> {
  const mappingsDir = tempDir('lockstep-admin-mappings-');
  mkdirSync(mappingsDir, { recursive: true });
  copyFileSync(path.join(REPO, 'mappings/examples/cyberark-safes.yaml'), path.join(mappingsDir, 'cyberark-safes.yaml'));
  const gw = await startTestGateway({
    ...(env ? { env } : {}),
    config: {
      connectors: [
        { id: 'cyberark-prod', kind: 'pam', vendor: 'cyberark', outbound: { baseUrl: 'https://user:pw@pvwa.example.test/PasswordVault?key=1', auth: { kind: 'bearer', token: PAM_SECRET } } },
        { id: 'sailpoint', kind: 'iga', vendor: 'sailpoint', inbound: { scheme: 'header-secret', secret: IGA_SECRET } },
      ],
      settings: { mappingsDir, profilesDir: path.join(REPO, 'mappings/profiles') },
    },
    intake: { dispatch: false },
  });
  const token = gw.adminToken!;
  const seeded = await seedDemo(gw.store, Date.now());
  const api: AdminGateway['api'] = (p, init = {}) => fetch(`${gw.url}/api/v1${p}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  return { gw, token, seeded, mappingsDir, api };
}
