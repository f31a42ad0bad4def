/**
 * A throwaway self-signed certificate for 127.0.0.1/localhost (made with the system's openssl into a temp
 * dir), for TLS listeners in tests such as the syslog receiver. Never used outside tests.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SelfSignedCert {
  readonly key: string;
  readonly cert: string;
}

export function selfSignedCert(commonName = 'localhost'): SelfSignedCert {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-cert-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', `/CN=${commonName}`, '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', key, '-out', cert,
    ], { stdio: 'ignore' });
    return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
