import { readFile } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { StorageHealth } from '../../observability/storage-health.ts';
import type { InboxWriter } from '../inbox-writer.ts';
import { intakeMetrics } from '../intake-metrics.ts';
import { extractCyberArkAudit } from './cyberark-audit.ts';
import { createFrameDecoder } from './frame-decoder.ts';
import { parseSyslog } from './syslog-message.ts';

export interface SyslogListenerOptions {
  readonly connectorId: string;
  readonly host?: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** TLS (RFC 5425) with these PEM files; plain TCP when absent. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly maxFrameBytes?: number;
  /** Writes waiting for the inbox per connection before the socket is paused (back-pressure). */
  readonly maxPendingPerConnection?: number;
}

export interface SyslogListenerDeps {
  readonly inbox: InboxWriter;
  readonly logger: Logger;
  readonly registry: Registry;
  /**
   * Told about state store faults. Syslog has no acknowledgement, so on one the connection is closed: the
   * sender keeps what follows in its queue and sends it again when it reconnects.
   */
  readonly storage?: StorageHealth | undefined;
}

export interface SyslogListener {
  listen(): Promise<{ port: number }>;
  /** Stops accepting, ends connections, and waits for their records to be stored. */
  close(): Promise<void>;
}

/**
 * CyberArk Vault audit over syslog: TCP or TLS, either RFC 6587 framing, RFC 5424 or RFC 3164 headers, a JSON
 * audit record in the message part. Each record goes to the inbox (deduplicated by content hash) with its
 * `pam.event`. A bad frame is counted and logged; it never ends the process.
 */
export function createSyslogListener(options: SyslogListenerOptions, deps: SyslogListenerDeps): SyslogListener {
  const metrics = intakeMetrics(deps.registry);
  const log = deps.logger.child({ component: 'syslog-intake', connectorId: options.connectorId });
  const maxFrameBytes = options.maxFrameBytes ?? 64 * 1024;
  const maxPending = options.maxPendingPerConnection ?? 512;
  const sockets = new Set<net.Socket>();
  const writes = new Set<Promise<unknown>>();
  let server: net.Server | undefined;

  const malformed = (reason: string, remote: string | undefined): void => {
    metrics.malformedFrames.inc({ connector: options.connectorId });
    metrics.deliveries.inc({ connector: options.connectorId, channel: 'syslog', outcome: 'rejected', reason: 'malformed' });
    log.warn({ reason, remote }, 'malformed syslog frame');
  };

  function handle(socket: net.Socket): void {
    sockets.add(socket);
    const remote = socket.remoteAddress;
    let pending = 0;
    const store = (frame: Buffer): void => {
      const parsed = parseSyslog(frame.toString('utf8'));
      if (!parsed.ok) return malformed(parsed.error, remote);
      const audit = extractCyberArkAudit(parsed.value.message);
      if (!audit.ok) return malformed(audit.error, remote);
      const m = parsed.value;
      const headers: Record<string, string> = { 'syslog-format': m.format, 'syslog-severity': String(m.severity), 'syslog-facility': String(m.facility) };
      if (m.hostname) headers['syslog-hostname'] = m.hostname;
      if (m.appName) headers['syslog-app-name'] = m.appName;
      if (m.timestamp) headers['syslog-timestamp'] = m.timestamp;
      const endTimer = metrics.ingestSeconds.startTimer({ channel: 'syslog' });
      pending++;
      if (pending >= maxPending) socket.pause();
      const w = deps.inbox.write({
        connectorId: options.connectorId, channel: 'syslog', dedupeKey: audit.value.dedupeKey,
        contentType: 'application/json', body: audit.value.json, headers,
      }).then((outcome) => {
        endTimer();
        metrics.deliveries.inc({ connector: options.connectorId, channel: 'syslog', outcome: outcome.inserted ? 'accepted' : 'duplicate', reason: '' });
      }, (e: unknown) => {
        if (deps.storage?.report(e, { connectorId: options.connectorId, channel: 'syslog' })) {
          metrics.deliveries.inc({ connector: options.connectorId, channel: 'syslog', outcome: 'error', reason: 'storage-unavailable' });
          socket.destroy();
          return;
        }
        metrics.deliveries.inc({ connector: options.connectorId, channel: 'syslog', outcome: 'error', reason: 'internal' });
        log.error({ err: e, remote }, 'could not store a syslog record');
      }).finally(() => {
        writes.delete(w);
        pending--;
        if (pending < maxPending / 2 && socket.isPaused()) socket.resume();
      });
      writes.add(w);
    };
    const decoder = createFrameDecoder({ maxFrameBytes, onFrame: store, onMalformed: (reason) => malformed(reason, remote) });
    socket.on('data', (chunk: Buffer) => {
      if (!decoder.push(chunk)) socket.destroy();
    });
    socket.on('end', () => {
      decoder.end();
      socket.end();
    });
    socket.on('error', (e) => log.debug({ err: e, remote }, 'syslog connection error'));
    socket.on('close', () => sockets.delete(socket));
    socket.setTimeout(15 * 60_000, () => socket.destroy());
  }

  return {
    async listen() {
      if (options.tls) {
        const [cert, key] = await Promise.all([readFile(options.tls.certFile), readFile(options.tls.keyFile)]);
        server = tls.createServer({ cert, key, minVersion: 'TLSv1.2' }, handle);
      } else {
        server = net.createServer(handle);
      }
      server.on('error', (e) => log.error({ err: e }, 'syslog listener error'));
      const s = server;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(options.port, options.host ?? '127.0.0.1', () => {
          s.off('error', reject);
          resolve();
        });
      });
      const port = (s.address() as net.AddressInfo).port;
      log.info({ port, tls: !!options.tls }, 'syslog listener started');
      return { port };
    },
    async close() {
      const s = server;
      server = undefined;
      if (!s) return;
      const closed = new Promise<void>((r) => s.close(() => r()));
      for (const socket of sockets) socket.end();
      setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, 2_000).unref();
      await closed;
      await Promise.allSettled([...writes]);
      await deps.inbox.drain();
    },
  };
}
