import { systemClock } from '../../../gateway/domain/clock.ts';
import { createProfileConnector } from '../../../gateway/connectors/profile-connector.ts';
import { runConnectorContract } from '../../contract/connector.ts';
import { startCyberArkFake } from '../../fakes/index.ts';
import { builtinProfile } from './profiles.ts';

runConnectorContract('cyberark', async () => {
  const fake = await startCyberArkFake();
  const principals = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];
  fake.state.addSafe('Finance');
  const connector = createProfileConnector({
    id: 'cyberark-test', vendor: 'cyberark', profile: await builtinProfile('cyberark'), params: { pageSize: 2 },
    baseUrl: fake.url, auth: { kind: 'cyberark-logon', username: 'lockstep', password: 'secret' }, timeoutMs: 1_000,
  }, { clock: systemClock });
  return {
    connector,
    faults: fake.faults,
    target: { kind: 'safe', ref: 'Finance' },
    principals,
    permissions: ['useAccounts', 'listAccounts'],
    pagedInventory: true,
    effects: () => fake.calls.effectCount(),
    sessions: { expire: () => fake.state.expireTokens(), logons: () => fake.calls.count({ path: /auth\/Cyberark\/Logon$/i }) },
    close: async () => {
      connector.close();
      await fake.close();
    },
  };
});
