import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../gateway/config/config-schema.ts';
import { resolveConnectorSecrets, resolveSecret } from '../../../gateway/config/secrets.ts';

describe('secrets', () => {
  it('resolves env:NAME from the environment and keeps literals', () => {
    expect(resolveSecret('env:HOOK', { HOOK: 'whsec_abc' })).toBe('whsec_abc');
    expect(resolveSecret('literal', {})).toBe('literal');
    expect(() => resolveSecret('env:HOOK', {})).toThrow('environment variable HOOK is not set');
    expect(() => resolveSecret('env:HOOK', { HOOK: '' })).toThrow('environment variable HOOK is not set');
  });

  it('resolves every secret of a connector without changing the original', () => {
    const config = configSchema.parse({
      connectors: [{
        id: 'bt', kind: 'pam', vendor: 'beyondtrust',
        inbound: { scheme: 'header-secret', header: 'x-bt-secret', secrets: ['env:OLD', 'env:NEW'] },
        outbound: { baseUrl: 'https://bt.example', auth: { kind: 'ps-auth', key: 'env:BT_KEY', runAs: 'svc' } },
      }],
    });
    const connector = config.connectors[0]!;
    const resolved = resolveConnectorSecrets(connector, { OLD: 'o', NEW: 'n', BT_KEY: 'k' });
    expect(resolved.inbound?.secrets).toEqual(['o', 'n']);
    expect(resolved.outbound?.auth).toMatchObject({ kind: 'ps-auth', key: 'k', runAs: 'svc' });
    expect(connector.outbound?.auth).toMatchObject({ key: 'env:BT_KEY' });
  });
});
