import { describe, expect, it } from 'vitest';
import { validateConfigDocument, validateConfigText } from '../../../gateway/config/validate-config.ts';

const FILE = './data/lockstep.json';

function errorOf(text: string, env: Record<string, string> = {}): string {
  const result = validateConfigText(text, { file: FILE, env });
  if (result.ok) throw new Error('expected the configuration to be invalid');
  return result.error.message;
}

const pam = (extra: Record<string, unknown> = {}) => ({ id: 'cyberark-prod', kind: 'pam', vendor: 'cyberark', ...extra });

describe('validateConfigText', () => {
  it('applies defaults to an empty document', () => {
    const result = validateConfigText('{}', { file: FILE });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.config.connectors).toEqual([]);
    expect(result.value.config.settings).toMatchObject({ tombstoneRetentionDays: 30, inboxRetentionDays: 30, outboxRetentionDays: 30, mappingsDir: './mappings/examples', bodyLimit: '1mb' });
    expect(result.value.config.console).toMatchObject({ theme: 'system' });
    expect(result.value.document).toEqual({});
  });

  it('defaults a connector profile to its vendor and keeps an explicit one', () => {
    const result = validateConfigDocument({ connectors: [pam(), pam({ id: 'ca2', profile: 'cyberark-privilege-cloud' })] }, { file: FILE });
    expect(result.ok && result.value.config.connectors.map((c) => c.profile)).toEqual(['cyberark', 'cyberark-privilege-cloud']);
  });

  it.each([
    [{ connectors: [{ id: 'sp', kind: 'iga', vendor: 'sailpoint' }, pam({ kind: 'pamm' })] }, 'connectors[1].kind: expected "iga" | "pam", got "pamm"'],
    [{ connectors: [pam({ id: 'Bad Id' })] }, 'connectors[0].id: expected a slug'],
    [{ connectors: [pam({ vendor: 'cyberarc' })] }, 'connectors[0].vendor: expected "cyberark" | "beyondtrust"'],
    [{ connectors: [pam({ inbound: { scheme: 'hmac' } })] }, 'connectors[0].inbound.secret: required for scheme "hmac"'],
    [{ connectors: [pam({ inbound: { scheme: 'basic', username: 'u' } })] }, 'connectors[0].inbound.password: required for scheme "basic"'],
    [{ connectors: [pam({ inbound: { scheme: 'hmac', secret: 's', encoding: 'base32' } })] }, 'connectors[0].inbound.encoding: expected "hex" | "base64", got "base32"'],
    [{ connectors: [pam({ outbound: { baseUrl: 'https://pvwa', auth: { kind: 'magic' } } })] }, 'connectors[0].outbound.auth.kind: expected "cyberark-logon" | "oauth2-client-credentials" | "ps-auth" | "bearer" | "basic" | "strongdm-signature" | "none", got "magic"'],
    [{ connectors: [pam({ inbound: { scheme: 'syslog' } })] }, 'connectors[0].inbound.port: required for scheme "syslog" (0 picks a free port)'],
    [{ connectors: [pam({ inbound: { scheme: 'syslog', port: 6514, tlsCertFile: 'c.pem' } })] }, 'connectors[0].inbound.tlsKeyFile: tlsCertFile and tlsKeyFile go together'],
    [{ connectors: [pam({ inbound: { scheme: 'hmac', secret: 's', port: 6514 } })] }, 'connectors[0].inbound.port: only for scheme "syslog"'],
    [{ connectors: [pam({ outbound: { baseUrl: 'pvwa.local', auth: { kind: 'none' } } })] }, 'connectors[0].outbound.baseUrl: expected an absolute http(s) URL, got "pvwa.local"'],
    [{ connectors: [pam({ outbound: { baseUrl: 'https://pvwa', auth: { kind: 'bearer' } } })] }, 'connectors[0].outbound.auth.token: required, expected a string'],
    [{ connectors: [pam({ inbound: { scheme: 'poll' } })] }, 'connectors[0].outbound: required when inbound.scheme is "poll"'],
    [{ connectors: [pam(), pam()] }, 'connectors[1].id: duplicate connector id "cyberark-prod"'],
    [{ connectors: [pam({ colour: 'red' })] }, 'connectors[0].colour: unknown field'],
    [{ settings: { tombstoneRetentionDays: -1 } }, 'settings.tombstoneRetentionDays: expected a number >= 0, got -1'],
    [{ settings: { shutdownGraceMs: 'soon' } }, 'settings.shutdownGraceMs: expected a number, got "soon"'],
    [{ settings: { inboxRetentionDays: 0 } }, 'settings.inboxRetentionDays: expected a number >= 1, got 0'],
    [{ settings: { outboxRetentionDays: 1.5 } }, 'settings.outboxRetentionDays: expected an integer, got 1.5'],
    [{ settings: { outboxRetentionDays: 5000 } }, 'settings.outboxRetentionDays: expected a number <= 3650, got 5000'],
    [{ settings: { bodyLimit: 'lots' } }, 'settings.bodyLimit: expected a size such as "512kb" or "1mb", got "lots"'],
    [{ connectors: {} }, 'connectors: expected an array, got an object'],
    [{ version: 2 }, 'version: expected 1, got 2'],
  ])('names the file, the field and what was expected (%#)', (document, expected) => {
    const message = errorOf(JSON.stringify(document));
    expect(message.startsWith(`${FILE}: `)).toBe(true);
    expect(message).toContain(expected);
    expect(message).not.toContain('\n');
  });

  it('counts further problems on the same line and lists each in lines()', () => {
    const result = validateConfigDocument({ connectors: [pam({ kind: 'x', vendor: 'y' })] }, { file: FILE });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(/ \(and 1 more problem\)$/);
    expect(result.error.lines()).toEqual([
      `${FILE}: connectors[0].kind: expected "iga" | "pam", got "x"`,
      expect.stringContaining(`${FILE}: connectors[0].vendor: expected "cyberark"`),
    ]);
  });

  it('never echoes a secret value in an error', () => {
    const message = errorOf(JSON.stringify({ connectors: [pam({ outbound: { baseUrl: 'https://pvwa', auth: { kind: 'basic', username: 'svc', password: 123456789 } } })] }));
    expect(message).toContain('connectors[0].outbound.auth.password: expected a string');
    expect(message).not.toContain('123456789');
  });

  it('reports malformed JSON with line and column', () => {
    expect(errorOf('{\n  "connectors": [\n    {"id": "a",}\n  ]\n}')).toBe(`${FILE}:3:16: invalid JSON: trailing comma before }`);
    expect(errorOf('{\n  "settings": tru\n}')).toBe(`${FILE}:2:15: invalid JSON: unexpected "tru", expected a value`);
    expect(errorOf('')).toBe(`${FILE}:1:1: invalid JSON: unexpected end of file, expected a value`);
    expect(errorOf('{"a": 1} x')).toBe(`${FILE}:1:10: invalid JSON: unexpected "x" after the JSON value`);
    expect(errorOf('[1]')).toBe(`${FILE}: expected a JSON object, got an array`);
  });

  it('requires every env:NAME secret to be set, naming the variable and the field', () => {
    const text = JSON.stringify({ connectors: [pam({ inbound: { scheme: 'standard-webhooks', secrets: ['whsec_literal', 'env:CYBERARK_WEBHOOK_SECRET'] } })] });
    expect(errorOf(text)).toBe(`${FILE}: connectors[0].inbound.secrets[1]: environment variable CYBERARK_WEBHOOK_SECRET is not set`);
    expect(validateConfigText(text, { file: FILE, env: { CYBERARK_WEBHOOK_SECRET: 'whsec_x' } }).ok).toBe(true);
    expect(validateConfigText(text, { file: FILE }).ok).toBe(true);
  });

  it('rejects a malformed env reference', () => {
    expect(errorOf(JSON.stringify({ connectors: [pam({ inbound: { scheme: 'hmac', secret: 'env:1BAD' } })] })))
      .toContain('connectors[0].inbound.secret: a literal secret or env:NAME');
  });

  it('accepts a complete configuration', () => {
    const document = {
      connectors: [
        { id: 'sailpoint', kind: 'iga', vendor: 'sailpoint', inbound: { scheme: 'none-scim' } },
        pam({
          inbound: { scheme: 'hmac', secret: 'env:CA_SECRET', header: 'x-signature', encoding: 'hex', toleranceSeconds: 300 },
          outbound: { baseUrl: 'https://pvwa.example/PasswordVault', auth: { kind: 'cyberark-logon', username: 'svc', password: 'env:CA_PASSWORD' }, timeoutMs: 5000, concurrency: 2 },
        }),
        { id: 'sdm', kind: 'pam', vendor: 'strongdm', inbound: { scheme: 'poll' }, poll: { intervalSeconds: 30 },
          outbound: { baseUrl: 'https://api.strongdm.com', auth: { kind: 'oauth2-client-credentials', tokenUrl: 'https://auth.example/token', clientId: 'c', clientSecret: 'env:SDM' } } },
      ],
      settings: { adminTokenHash: 'a'.repeat(64), publicUrl: 'https://lockstep.example' },
      console: { theme: 'dark', sidebar: 'collapsed' },
    };
    const result = validateConfigDocument(document, { file: FILE, env: { CA_SECRET: 's', CA_PASSWORD: 'p', SDM: 'x' } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.config.connectors[1]?.outbound?.auth).toMatchObject({ kind: 'cyberark-logon', method: 'cyberark' });
    expect(result.value.config.console).toMatchObject({ theme: 'dark', sidebar: 'collapsed' });
  });
});
