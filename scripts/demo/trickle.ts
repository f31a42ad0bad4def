/**
 * Light background traffic after the scenario, one action every few seconds until stopped, so the console's
 * live views have something to show: sessions, JIT requests (allowed and denied), profile updates.
 */
import type { PamTraffic } from './pam-traffic.ts';
import type { ScimPusher } from './scim-pusher.ts';

export interface Trickle {
  stop(): Promise<void>;
}

export interface TrickleDeps {
  readonly sailpoint: ScimPusher;
  readonly pam: PamTraffic;
  readonly intervalMs: number;
  readonly say: (line: string) => void;
  /** A one-line status of the gateway, printed after every full cycle of actions. */
  readonly status?: (() => Promise<string>) | undefined;
}

const TITLES = ['Finance Analyst', 'Senior Finance Analyst', 'Finance Lead'];

export function startTrickle(deps: TrickleDeps): Trickle {
  const { pam } = deps;
  const actions: { name: string; run: (round: number) => Promise<string> }[] = [
    { name: 'teleport session', run: async () => `alice session on db-1 → ${(await pam.teleportSession('alice@corp.example', 'db-1.corp.example')).map((a) => a.status).join(', ')}` },
    { name: 'jit request', run: async () => `alice asks for dba → ${(await pam.requestTeleportRole('alice@corp.example', 'dba', 'demo: routine maintenance')).answer.status}` },
    { name: 'scim update', run: async (round) => {
      const title = TITLES[round % TITLES.length]!;
      await deps.sailpoint.touchUser('carol', title);
      return `SailPoint updates carol's title to "${title}"`;
    } },
    { name: 'jit request (denied)', run: async () => `bob asks for auditor (review overdue) → ${(await pam.requestTeleportRole('bob@corp.example', 'auditor', 'demo: audit sample')).answer.status}` },
    { name: 'cyberark session', run: async () => ((await pam.cyberArkSession('carol', 'Finance', 'Operating System-WinDomain-fin-db-Administrator')) === 'sent' ? 'carol PSM session on Finance (syslog)' : 'CyberArk syslog not available; skipped') },
  ];
  let round = 0;
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = (): void => {
    if (stopped || running) return;
    const r = round++;
    const action = actions[r % actions.length]!;
    const endOfCycle = (r + 1) % actions.length === 0;
    running = action.run(r).then(
      (line) => deps.say(`   [traffic] ${line}`),
      (e: unknown) => deps.say(`   [traffic] ${action.name} failed: ${(e as Error).message}`),
    ).then(async () => {
      if (endOfCycle && deps.status) deps.say(`   [status] ${await deps.status().catch((e: unknown) => `unavailable: ${(e as Error).message}`)}`);
    }).finally(() => {
      running = undefined;
    });
  };
  const timer = setInterval(tick, deps.intervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
