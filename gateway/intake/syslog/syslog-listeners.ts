/**
 * The syslog listeners of the connectors with `inbound.scheme: "syslog"`, following the configuration: a
 * connector added gets its listener, a removed one's listener closes, a changed one (host, port, TLS files) is
 * replaced. A replacement on another port listens first and then closes the old one (which lets the records it
 * is storing finish); on the same port the old one must close first. A listener that cannot listen is reported
 * with the connector, address and reason (at start: the start stops with that line).
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ConnectorConfig } from '../../config/config-schema.ts';
import { StartupError } from '../../config/startup-error.ts';
import type { StorageHealth } from '../../observability/storage-health.ts';
import type { InboxWriter } from '../inbox-writer.ts';
import { type SyslogListener, createSyslogListener } from './syslog-listener.ts';

/** A syslog listener as started: where Vaults send their audit records. */
export interface SyslogEndpoint {
  readonly connectorId: string;
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
}

export interface SyslogListenerSetDeps {
  readonly inbox: InboxWriter;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly storage?: StorageHealth | undefined;
}

export interface SyslogListenerSet {
  /** Starts the listeners of these connectors; the first that cannot listen stops the start (StartupError). */
  start(connectors: readonly ConnectorConfig[]): Promise<void>;
  /** Follows a new set of connectors; resolves with one line per listener that could not listen. */
  reconfigure(connectors: readonly ConnectorConfig[]): Promise<string[]>;
  stop(): Promise<void>;
  endpoints(): readonly SyslogEndpoint[];
}

interface Spec {
  readonly host: string;
  readonly port: number;
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
}

interface Running {
  readonly print: string;
  readonly listener: SyslogListener;
  readonly endpoint: SyslogEndpoint;
}

function specOf(c: ConnectorConfig): Spec {
  const inbound = c.inbound!;
  if (inbound.port === undefined) throw new StartupError(`connector ${c.id}: inbound.port is required for scheme "syslog"`);
  const tls = inbound.tlsCertFile && inbound.tlsKeyFile ? { certFile: path.resolve(inbound.tlsCertFile), keyFile: path.resolve(inbound.tlsKeyFile) } : undefined;
  return { host: inbound.host ?? '127.0.0.1', port: inbound.port, tls };
}

export function createSyslogListenerSet(deps: SyslogListenerSetDeps): SyslogListenerSet {
  const log = deps.logger.child({ component: 'syslog-intake' });
  const running = new Map<string, Running>();

  /** Listens for connector `id`; throws a StartupError naming the connector and address. */
  const open = async (id: string, spec: Spec): Promise<Running> => {
    const listener = createSyslogListener({ connectorId: id, host: spec.host, port: spec.port, tls: spec.tls }, deps);
    try {
      const { port } = await listener.listen();
      return { print: JSON.stringify(spec), listener, endpoint: { connectorId: id, host: spec.host, port, tls: spec.tls !== undefined } };
    } catch (e) {
      await listener.close().catch(() => undefined);
      const code = (e as { code?: string }).code;
      const why = code === 'EADDRINUSE' ? `port ${spec.port} is in use by another listener or process (EADDRINUSE)` : (e as Error).message;
      throw new StartupError(`connector ${id}: syslog listener cannot listen on ${spec.host}:${spec.port}: ${why}`, { cause: e });
    }
  };

  const close = async (id: string, r: Running, why: string): Promise<void> => {
    if (running.get(id) === r) running.delete(id);
    await r.listener.close().catch((e: unknown) => log.warn({ err: e, connectorId: id }, 'syslog listener did not close cleanly'));
    log.info({ connectorId: id, port: r.endpoint.port }, why);
  };

  const syslogConnectors = (connectors: readonly ConnectorConfig[]) => connectors.filter((c) => c.inbound?.scheme === 'syslog');

  return {
    async start(connectors) {
      for (const c of syslogConnectors(connectors)) running.set(c.id, await open(c.id, specOf(c)));
    },
    async reconfigure(connectors) {
      const wanted = syslogConnectors(connectors);
      const problems: string[] = [];
      const ids = new Set(wanted.map((c) => c.id));
      for (const [id, r] of [...running]) if (!ids.has(id)) await close(id, r, 'syslog listener closed (connector removed)');
      for (const c of wanted) {
        const old = running.get(c.id);
        let spec: Spec;
        try {
          spec = specOf(c);
        } catch (e) {
          problems.push((e as Error).message);
          continue;
        }
        if (old?.print === JSON.stringify(spec)) continue;
        const samePort = old !== undefined && spec.port !== 0 && old.endpoint.port === spec.port;
        if (samePort) await close(c.id, old, 'syslog listener closed to be replaced on the same port');
        try {
          const next = await open(c.id, spec);
          running.set(c.id, next);
          log.info({ connectorId: c.id, port: next.endpoint.port, tls: next.endpoint.tls }, old ? 'syslog listener replaced' : 'syslog listener added');
          if (old && !samePort) await close(c.id, old, 'syslog listener closed (replaced)');
        } catch (e) {
          const line = (e as Error).message;
          problems.push(line);
          log.error({ connectorId: c.id, host: spec.host, port: spec.port }, line);
        }
      }
      return problems;
    },
    async stop() {
      for (const [id, r] of [...running].reverse()) await close(id, r, 'syslog listener closed');
    },
    endpoints: () => [...running.values()].map((r) => r.endpoint),
  };
}
