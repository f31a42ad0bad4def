/**
 * The vendor systems the demo plays against: the CyberArk PVWA, Teleport and IGA-notification fakes from
 * `test/fakes/` (real HTTP servers on 127.0.0.1, state in memory). Imported from the test tree on purpose: the
 * demo needs vendors to talk to, and these are the ones the tests trust. Seeded with the safes the scenario's
 * entitlements map to, and with one safe member IGA has never approved (unsynchronised access).
 */
import type { Clock } from '../../gateway/domain/clock.ts';
import { startCyberArkFake, type CyberArkFakeState } from '../../test/fakes/cyberark/cyberark-fake.ts';
import type { Fake } from '../../test/fakes/fake-server.ts';
import { startIgaNotificationFake, type IgaState } from '../../test/fakes/iga/iga-notification-fake.ts';
import { startTeleportFake, type TeleportState } from '../../test/fakes/teleport/teleport-fake.ts';

/** Credentials shared by the fakes and the demo configuration (fresh each run, passed by `env:NAME`). */
export interface DemoSecrets {
  readonly cyberarkUser: string;
  readonly cyberarkPassword: string;
  readonly teleportApiToken: string;
  readonly teleportHookUser: string;
  readonly teleportHookPassword: string;
  readonly igaToken: string;
  readonly sailpointClientId: string;
  readonly sailpointClientSecret: string;
  /** Standard Webhooks secret (`whsec_…`) of the PAM alert feed. */
  readonly pamAlertsSecret: string;
}

export interface DemoFakes {
  readonly cyberark: Fake<CyberArkFakeState>;
  readonly teleport: Fake<TeleportState>;
  readonly iga: Fake<IgaState>;
  close(): Promise<void>;
}

/** Safes the `cyberark-safes` example mapping resolves the scenario's SailPoint entitlements to. */
export const DEMO_SAFES = ['Finance', 'Payroll', 'Ops'] as const;

/** A safe member present at CyberArk that no IGA approval explains. */
export const UNSYNCHRONISED_MEMBER = { safe: 'Finance', memberName: 'CORP\\mallory' } as const;

export function demoSecrets(random: (n: number) => Buffer): DemoSecrets {
  const s = (): string => random(18).toString('base64url');
  return {
    cyberarkUser: 'svc-lockstep',
    cyberarkPassword: s(),
    teleportApiToken: s(),
    teleportHookUser: 'teleport-plugin',
    teleportHookPassword: s(),
    igaToken: s(),
    sailpointClientId: 'lockstep-demo',
    sailpointClientSecret: s(),
    pamAlertsSecret: `whsec_${random(24).toString('base64')}`,
  };
}

export async function startDemoFakes(secrets: DemoSecrets, clock: Clock): Promise<DemoFakes> {
  const [cyberark, teleport, iga] = await Promise.all([
    startCyberArkFake({ clock, users: { [secrets.cyberarkUser]: secrets.cyberarkPassword } }),
    startTeleportFake({ clock, tokens: [secrets.teleportApiToken] }),
    startIgaNotificationFake({ bearerTokens: [secrets.igaToken], oauthClients: { [secrets.sailpointClientId]: secrets.sailpointClientSecret } }),
  ]);
  for (const safe of DEMO_SAFES) cyberark.state.addSafe(safe, `${safe} privileged accounts`);
  cyberark.state.putMember(UNSYNCHRONISED_MEMBER.safe, {
    memberName: UNSYNCHRONISED_MEMBER.memberName,
    permissions: { useAccounts: true, retrieveAccounts: true, listAccounts: true },
  });
  return {
    cyberark, teleport, iga,
    async close() {
      await Promise.all([cyberark.close(), teleport.close(), iga.close()]);
    },
  };
}
