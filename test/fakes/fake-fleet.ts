/** Every vendor fake started together (for end-to-end tests), sharing one clock, closed together. */
import { systemClock, type Clock } from '../../gateway/domain/clock.ts';
import type { Fake } from './fake-server.ts';
import { startCyberArkFake, type CyberArkFakeState } from './cyberark/cyberark-fake.ts';
import { startBeyondTrustFake, type BeyondTrustState } from './beyondtrust/beyondtrust-fake.ts';
import { startDelineaFake, type DelineaState } from './delinea/delinea-fake.ts';
import { startVaultFake, type VaultState } from './vault/vault-fake.ts';
import { startTeleportFake, type TeleportState } from './teleport/teleport-fake.ts';
import { startStrongDmFake, type StrongDmState } from './strongdm/strongdm-fake.ts';
import { startEntraPimFake, type EntraPimState } from './entra/entra-pim-fake.ts';
import { startIgaNotificationFake, type IgaState } from './iga/iga-notification-fake.ts';

export interface FakeFleet {
  readonly cyberark: Fake<CyberArkFakeState>;
  readonly beyondtrust: Fake<BeyondTrustState>;
  readonly delinea: Fake<DelineaState>;
  readonly vault: Fake<VaultState>;
  readonly teleport: Fake<TeleportState>;
  readonly strongdm: Fake<StrongDmState>;
  readonly entra: Fake<EntraPimState>;
  readonly iga: Fake<IgaState>;
  close(): Promise<void>;
}

export async function startFakeFleet(opts: { readonly clock?: Clock } = {}): Promise<FakeFleet> {
  const clock = opts.clock ?? systemClock;
  const [cyberark, beyondtrust, delinea, vault, teleport, strongdm, entra, iga] = await Promise.all([
    startCyberArkFake({ clock }),
    startBeyondTrustFake({ clock }),
    startDelineaFake({ clock }),
    startVaultFake({ clock }),
    startTeleportFake({ clock }),
    startStrongDmFake({ clock }),
    startEntraPimFake({ clock }),
    startIgaNotificationFake(),
  ]);
  const all = [cyberark, beyondtrust, delinea, vault, teleport, strongdm, entra, iga];
  return {
    cyberark, beyondtrust, delinea, vault, teleport, strongdm, entra, iga,
    async close() {
      await Promise.all(all.map((f) => f.close()));
    },
  };
}
