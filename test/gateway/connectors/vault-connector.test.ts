import { systemClock } from '../../../gateway/domain/clock.ts';
import { createProfileConnector } from '../../../gateway/connectors/profile-connector.ts';
import { runConnectorContract } from '../../contract/connector.ts';
import { startVaultFake } from '../../fakes/index.ts';
import { builtinProfile } from './profiles.ts';

runConnectorContract('hashicorp-vault', async () => {
  const fake = await startVaultFake();
  const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];
  const principals = names.map((n) => fake.state.addEntity(n).id);
  fake.state.addGroup('db-admins', { policies: ['db-admin'] });
  const connector = createProfileConnector({
    id: 'vault-test', vendor: 'hashicorp-vault', profile: await builtinProfile('hashicorp-vault'),
    baseUrl: fake.url, auth: { kind: 'bearer', token: 'root-token' }, timeoutMs: 1_000,
  }, { clock: systemClock });
  return {
    connector,
    faults: fake.faults,
    target: { kind: 'group', ref: 'db-admins' },
    principals,
    permissions: [],
    pagedInventory: false,
    effects: () => fake.calls.effectCount(),
    close: async () => {
      connector.close();
      await fake.close();
    },
  };
});
