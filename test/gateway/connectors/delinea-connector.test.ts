import { systemClock } from '../../../gateway/domain/clock.ts';
import { createProfileConnector } from '../../../gateway/connectors/profile-connector.ts';
import { runConnectorContract } from '../../contract/connector.ts';
import { startDelineaFake } from '../../fakes/index.ts';
import { builtinProfile } from './profiles.ts';

runConnectorContract('delinea', async () => {
  const fake = await startDelineaFake();
  fake.state.addSecret({ id: 42, name: 'prod-db-admin' });
  const connector = createProfileConnector({
    id: 'delinea-test', vendor: 'delinea', profile: await builtinProfile('delinea'), params: { pageSize: 2 },
    baseUrl: fake.url, auth: { kind: 'oauth2-client-credentials', tokenUrl: `${fake.url}/SecretServer/oauth2/token`, clientId: 'lockstep-client', clientSecret: 'secret' }, timeoutMs: 1_000,
  }, { clock: systemClock });
  return {
    connector,
    faults: fake.faults,
    target: { kind: 'secret', ref: '42' },
    principals: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'],
    permissions: ['View'],
    pagedInventory: true,
    effects: () => fake.calls.effectCount(),
    sessions: { expire: () => fake.state.expireTokens(), logons: () => fake.calls.count({ path: /oauth2\/token$/i }) },
    close: async () => {
      connector.close();
      await fake.close();
    },
  };
});
