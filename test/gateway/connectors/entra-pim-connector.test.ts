import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../gateway/domain/clock.ts';
import { createProfileConnector } from '../../../gateway/connectors/profile-connector.ts';
import { runConnectorContract } from '../../contract/connector.ts';
import { startEntraPimFake } from '../../fakes/index.ts';
import { builtinProfile } from './profiles.ts';

const ROLE = '62e90394-69f5-4237-9190-012177145e10';
const principal = (n: number) => `00000000-0000-4000-a000-${String(n).padStart(12, '0')}`;

runConnectorContract('entra-pim', async () => {
  const fake = await startEntraPimFake();
  const connector = createProfileConnector({
    id: 'entra-test', vendor: 'entra-pim', profile: await builtinProfile('entra-pim'),
    // No scope configured: the profile's `.default` scope is used (the fake refuses a token request without it).
    baseUrl: fake.url, auth: { kind: 'oauth2-client-credentials', tokenUrl: `${fake.url}/tenant-1/oauth2/v2.0/token`, clientId: 'lockstep-app', clientSecret: 'secret' }, timeoutMs: 1_000,
  }, { clock: systemClock });
  return {
    connector,
    faults: fake.faults,
    target: { kind: 'role', ref: ROLE },
    principals: [1, 2, 3, 4, 5, 6, 7].map(principal),
    permissions: [],
    // Graph pages roleAssignmentScheduleInstances itself (no $top on this list); fewer than a page here.
    pagedInventory: false,
    effects: () => fake.calls.effectCount(),
    sessions: { expire: () => fake.state.expireTokens(), logons: () => fake.calls.count({ path: /oauth2\/v2\.0\/token$/ }) },
    close: async () => {
      connector.close();
      await fake.close();
    },
  };
});

describe('Entra PIM connector: inventory of one role', () => {
  it('lists only the assignments of the role asked for, following @odata.nextLink', async () => {
    const fake = await startEntraPimFake();
    const c = createProfileConnector({
      id: 'entra-test', vendor: 'entra-pim', profile: await builtinProfile('entra-pim'),
      baseUrl: fake.url, auth: { kind: 'oauth2-client-credentials', tokenUrl: `${fake.url}/oauth2/v2.0/token`, clientId: 'lockstep-app', clientSecret: 'secret' }, timeoutMs: 1_000,
    }, { clock: systemClock });
    try {
      for (let i = 0; i < 105; i++) fake.state.instantiate({ principalId: principal(i), roleDefinitionId: ROLE, directoryScopeId: '/', assignmentType: 'Assigned', endDateTime: null });
      fake.state.instantiate({ principalId: principal(900), roleDefinitionId: 'other-role', directoryScopeId: '/', assignmentType: 'Assigned', endDateTime: null });
      const pages = [];
      for await (const page of c.listInventory({ target: { kind: 'role', ref: ROLE } })) pages.push(page);
      expect(pages.map((p) => p.length)).toEqual([100, 5]);
      const all = pages.flat();
      expect(new Set(all.map((a) => a.principal)).size).toBe(105);
      expect(all.every((a) => a.target.ref === ROLE && a.permissions[0] === 'Assigned')).toBe(true);
    } finally {
      c.close();
      await fake.close();
    }
  });
});
