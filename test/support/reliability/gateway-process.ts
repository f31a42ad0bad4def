/**
 * The real gateway as a child process (`node bin/lockstep.mjs start`) on one data directory, so that tests can
 * SIGKILL it at any moment and start it again on the same state. Every line it prints is appended to
 * `logFile`, across restarts, for the secret scan.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface GatewayProcessOptions {
  readonly dataDir: string;
  readonly configPath: string;
  /** Secrets referenced by `env:NAME` and other extra variables. */
  readonly env?: Readonly<Record<string, string>>;
  readonly logFile: string;
  readonly logLevel?: string;
  /** How long a start may take before it counts as failed. */
  readonly startTimeoutMs?: number;
}

export class GatewayProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  private currentUrl: string | undefined;
  starts = 0;
  kills = 0;

  constructor(private readonly opts: GatewayProcessOptions) {}

  get url(): string {
    if (this.currentUrl === undefined) throw new Error('the gateway is not running');
    return this.currentUrl;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and resolves with its URL once it prints that it listens. */
  async start(): Promise<string> {
    if (this.running) throw new Error('already running');
    const child = spawn(process.execPath, ['bin/lockstep.mjs', 'start'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        ...this.opts.env,
        LOCKSTEP_DATA_DIR: this.opts.dataDir,
        LOCKSTEP_CONFIG: this.opts.configPath,
        LOCKSTEP_HOST: '127.0.0.1',
        LOCKSTEP_PORT: '0',
        LOCKSTEP_LOG_LEVEL: this.opts.logLevel ?? 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts += 1;
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
    const log = this.opts.logFile;
    const url = new Promise<string>((resolve, reject) => {
      let partial = '';
      const seen: string[] = [];
      const onData = (chunk: Buffer): void => {
        appendFileSync(log, chunk);
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (seen.length < 200) seen.push(line);
          const m = /listening on (http:\/\/\S+)/.exec(line);
          if (m) resolve(m[1]!);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void this.exited!.then((code) => reject(new Error(`gateway exited (${code}) before listening:\n${seen.join('\n')}`)));
      setTimeout(() => reject(new Error(`gateway did not listen within ${this.opts.startTimeoutMs ?? 30_000} ms:\n${seen.join('\n')}`)), this.opts.startTimeoutMs ?? 30_000).unref();
    });
    this.currentUrl = await url;
    return this.currentUrl;
  }

  /** SIGKILL: no shutdown code runs. Resolves once the process is gone. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGKILL');
    this.kills += 1;
    this.currentUrl = undefined;
    await this.exited;
  }

  /** SIGTERM and wait for a clean exit; returns the exit code. */
  async stop(): Promise<number | null> {
    if (!this.running) return this.child?.exitCode ?? null;
    const exited = this.exited!;
    this.child!.kill('SIGTERM');
    const code = await exited;
    this.currentUrl = undefined;
    return code;
  }
}
