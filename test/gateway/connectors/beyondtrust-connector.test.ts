import { systemClock } from '../../../gateway/domain/clock.ts';
import { createProfileConnector } from '../../../gateway/connectors/profile-connector.ts';
import { runConnectorContract } from '../../contract/connector.ts';
import { startBeyondTrustFake } from '../../fakes/index.ts';
import { builtinProfile } from './profiles.ts';

runConnectorContract('beyondtrust', async () => {
  const fake = await startBeyondTrustFake();
  fake.state.addUserGroup(7, 'PAM Admins');
  const connector = createProfileConnector({
    id: 'beyondtrust-test', vendor: 'beyondtrust', profile: await builtinProfile('beyondtrust'),
    baseUrl: fake.url, auth: { kind: 'ps-auth', key: 'bt-api-key', runAs: 'lockstep' }, timeoutMs: 1_000,
  }, { clock: systemClock });
  return {
    connector,
    faults: fake.faults,
    target: { kind: 'group', ref: '7' },
    principals: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'],
    permissions: [],
    pagedInventory: false,
    effects: () => fake.calls.effectCount(),
    sessions: { expire: () => fake.state.expireSessions(), logons: () => fake.calls.count({ path: /Auth\/SignAppin$/i }) },
    close: async () => {
      connector.close();
      await fake.close();
    },
  };
});
