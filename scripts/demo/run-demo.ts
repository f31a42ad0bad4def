/**
 * Runs the demo: vendor fakes, a demo configuration, the real gateway through `startGateway` (the one
 * composition root), SCIM tokens for the two IGA connectors, the scenario over the real endpoints, a summary,
 * then (unless `once`) light traffic until `stopSignal` resolves. Everything started here is closed here.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { systemClock } from '../../gateway/domain/clock.ts';
import { issueScimToken } from '../../gateway/http/api-tokens.ts';
import { ListenError } from '../../gateway/http/http-server.ts';
import { type Gateway, StartupError, startGateway } from '../../gateway/main.ts';
import { banner } from './banner.ts';
import { DEMO_CONNECTORS, demoConfig, demoSecretEnv } from './demo-config.ts';
import { demoSecrets, startDemoFakes, type DemoFakes } from './demo-fakes.ts';
import { bearer, httpCall } from './http-call.ts';
import type { DemoOptions } from './demo-options.ts';
import { observe, settle, statusLine, type ObserveDeps } from './observe.ts';
import { pamTraffic } from './pam-traffic.ts';
import { approveAct, elevateAct, reconcileAct, revokeAct, type ScenarioDeps } from './scenario.ts';
import { ScimPusher } from './scim-pusher.ts';
import { collectSummary, formatSummary } from './summary.ts';
import { startTrickle } from './trickle.ts';

export interface RunDemoDeps {
  readonly repoRoot: string;
  readonly env: NodeJS.ProcessEnv;
  readonly out: (line: string) => void;
  /** Resolves when the demo should stop (Ctrl-C); only awaited without `once`. */
  readonly stopSignal: Promise<void>;
}

/** Files a run writes in the demo directory; a fresh run removes exactly these (never the directory itself). */
const DEMO_FILES = ['lockstep.json', 'state.sqlite', 'state.sqlite-wal', 'state.sqlite-shm', 'gateway.log', 'demo-summary.json'];

const random = (n: number): Buffer => randomBytes(n);

/** The port of the gateway's syslog listener for a connector (plain TCP; the demo configures no TLS). */
function syslogPortOf(gateway: Gateway, connectorId: string): number | undefined {
  return gateway.syslogListeners.find((l) => l.connectorId === connectorId && !l.tls)?.port;
}

async function startDemoGateway(opts: DemoOptions, deps: RunDemoDeps, env: Record<string, string | undefined>, logFile: string) {
  const logDestination = pino.destination({ dest: logFile, sync: true, mkdir: true });
  const start = (port: number) => startGateway({ env: { ...env, LOCKSTEP_PORT: String(port) }, cwd: deps.repoRoot, logDestination });
  try {
    return { gateway: await start(opts.port), logDestination, portNote: undefined };
  } catch (e) {
    const inUse = e instanceof StartupError && e.cause instanceof ListenError && e.cause.code === 'EADDRINUSE';
    if (!inUse || opts.port === 0) throw e;
    return { gateway: await start(0), logDestination, portNote: `port ${opts.port} was taken` };
  }
}

export async function runDemo(opts: DemoOptions, deps: RunDemoDeps): Promise<number> {
  const { out } = deps;
  mkdirSync(opts.dataDir, { recursive: true });
  if (!opts.keep) for (const f of DEMO_FILES) rmSync(path.join(opts.dataDir, f), { force: true });
  const configPath = path.join(opts.dataDir, 'lockstep.json');
  const logFile = path.join(opts.dataDir, 'gateway.log');

  const secrets = demoSecrets(random);
  const fakes: DemoFakes = await startDemoFakes(secrets, systemClock);
  let gateway: Gateway | undefined;
  let closeLog: (() => void) | undefined;
  try {
    writeFileSync(configPath, `${JSON.stringify(demoConfig(fakes, secrets, deps.repoRoot), null, 2)}\n`);
    const env: Record<string, string | undefined> = {
      ...deps.env,
      LOCKSTEP_DATABASE_URL: undefined,
      LOCKSTEP_DATA_DIR: opts.dataDir,
      LOCKSTEP_CONFIG: configPath,
      LOCKSTEP_HOST: '127.0.0.1',
      LOCKSTEP_LOG_LEVEL: deps.env.LOCKSTEP_LOG_LEVEL ?? 'info',
      ...demoSecretEnv(secrets),
    };
    const started = await startDemoGateway(opts, deps, env, logFile);
    gateway = started.gateway;
    closeLog = () => started.logDestination.end();
    const g = gateway;

    const tokenDeps = { store: g.store, clock: systemClock, random };
    const scimTokens: Record<string, string> = {};
    for (const connectorId of [DEMO_CONNECTORS.sailpoint, DEMO_CONNECTORS.okta]) {
      scimTokens[connectorId] = (await issueScimToken(tokenDeps, { connectorId, label: 'demo', actor: 'demo' })).token;
    }
    const adminToken = g.adminToken;
    for (const line of banner({
      url: g.url, version: g.version, dataDir: opts.dataDir, configPath, logFile, adminToken, scimTokens, once: opts.once, portNote: started.portNote, syslogPort: syslogPortOf(g, DEMO_CONNECTORS.cyberark),
      fakes: { 'CyberArk PVWA': fakes.cyberark.url, Teleport: fakes.teleport.url, 'IGA notify': fakes.iga.url },
    })) out(line);
    if (!adminToken) throw new Error('the gateway generated no admin token; the demo cannot read its admin API');

    const scimBase = `${g.url}/scim/v2`;
    const sailpoint = new ScimPusher(scimBase, scimTokens[DEMO_CONNECTORS.sailpoint]!, DEMO_CONNECTORS.sailpoint);
    const okta = new ScimPusher(scimBase, scimTokens[DEMO_CONNECTORS.okta]!, DEMO_CONNECTORS.okta);
    const pam = pamTraffic({ gatewayUrl: g.url, secrets, fakes, syslogPort: () => syslogPortOf(g, DEMO_CONNECTORS.cyberark) });
    const observeDeps: ObserveDeps = { gatewayUrl: g.url, adminToken, store: g.store, fakes };
    const scenario: ScenarioDeps = {
      sailpoint, okta, pam, now: () => systemClock.now(), say: out,
      reconcileNow: () => httpCall(`${g.url}/api/v1/reconcile`, { method: 'POST', json: {}, headers: bearer(adminToken) }),
      settle: async (act) => {
        const { settled, observation: o } = await settle(observeDeps, { maxMs: 8_000 });
        if (!settled) out(`   (after the ${act} step: ${o.inbox.pending} inbox rows pending, ${(o.health?.outbox.queued ?? 0) + (o.health?.outbox.sending ?? 0)} outbox messages waiting; carrying on)`);
      },
    };
    await approveAct(scenario);
    const acted = await elevateAct(scenario);
    const compromise = await revokeAct(scenario);
    const reconcile = await reconcileAct(scenario);
    const { observation } = await settle(observeDeps, { maxMs: 4_000 });
    const summary = await collectSummary({ store: g.store, fakes, pushers: [sailpoint, okta] }, { ...acted, reconcile, compromise }, observation);
    for (const line of formatSummary(summary)) out(line);
    writeFileSync(path.join(opts.dataDir, 'demo-summary.json'), `${JSON.stringify({ url: g.url, ...summary }, null, 2)}\n`);

    if (!opts.once) {
      out(`\nLight traffic every ${opts.trickleSeconds} s; Ctrl-C to stop.`);
      const trickle = startTrickle({ sailpoint, pam, intervalMs: opts.trickleSeconds * 1000, say: out, status: async () => statusLine(await observe(observeDeps)) });
      await deps.stopSignal;
      out('Stopping: traffic, gateway, vendor fakes…');
      await trickle.stop();
    }
    return 0;
  } finally {
    await gateway?.close();
    closeLog?.();
    await fakes.close();
  }
}
