/**
 * The configuration file: read and validated on open, reloaded on demand (the watcher), edited through lowdb
 * (atomic write: temp file + rename). Holds the last good configuration; a bad reload keeps it.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import type { Result } from '../domain/result.ts';
import { type ConfigDocument, type LockstepConfig, defaultConfigDocument } from './config-schema.ts';
import { ConfigError } from './config-error.ts';
import type { Environment } from './secrets.ts';
import { validateConfigDocument, validateConfigText } from './validate-config.ts';

export interface OpenConfigOptions {
  /** Absolute path to read and write. */
  readonly path: string;
  /** The path as shown in messages (as the user wrote it); defaults to `path`. */
  readonly display?: string;
  /** Checks `env:NAME` references against this environment; omitted, references are not checked. */
  readonly env?: Environment;
  /** Create the file with defaults when it does not exist (`lockstep start`); otherwise a missing file is an error. */
  readonly create?: boolean;
}

export type ConfigListener = (config: LockstepConfig) => void;

export type ReloadOutcome = Result<{ config: LockstepConfig; changed: boolean }, ConfigError>;

export class ConfigFile {
  readonly path: string;
  readonly display: string;
  private readonly env: Environment | undefined;
  private readonly db: Low<ConfigDocument>;
  private config: LockstepConfig;
  private text: string;
  private readonly listeners = new Set<ConfigListener>();
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(opts: OpenConfigOptions, validated: { config: LockstepConfig; document: ConfigDocument }, text: string) {
    this.path = opts.path;
    this.display = opts.display ?? opts.path;
    this.env = opts.env;
    this.db = new Low<ConfigDocument>(new DataFile<ConfigDocument>(opts.path, { parse: JSON.parse, stringify }), validated.document);
    this.config = validated.config;
    this.text = text;
  }

  /** Opens, validates (throwing {@link ConfigError}) and, with `create`, writes a default file first. */
  static async open(opts: OpenConfigOptions): Promise<ConfigFile> {
    const display = opts.display ?? opts.path;
    let text = await readText(opts.path, display);
    if (text === undefined) {
      if (!opts.create) throw new ConfigError(display, [{ field: '', message: 'file not found' }]);
      const document = defaultConfigDocument();
      try {
        await mkdir(path.dirname(opts.path), { recursive: true });
        await new Low<ConfigDocument>(new DataFile<ConfigDocument>(opts.path, { parse: JSON.parse, stringify }), document).write();
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new ConfigError(display, [{ field: '', message: `cannot be created (${code ?? (e as Error).message})` }]);
      }
      text = stringify(document);
    }
    const validated = validateConfigText(text, { file: display, env: opts.env });
    if (!validated.ok) throw validated.error;
    return new ConfigFile(opts, validated.value, text);
  }

  /** The last good configuration. */
  current(): LockstepConfig {
    return this.config;
  }

  /** A copy of the document as written in the file (no defaults baked in), to edit and pass to `update`. */
  document(): ConfigDocument {
    return structuredClone(this.db.data);
  }

  onChange(listener: ConfigListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reads the file again. Valid and different: becomes current and listeners hear of it. Invalid: the current
   * configuration stays and the error is returned.
   */
  async reload(): Promise<ReloadOutcome> {
    const text = await readText(this.path, this.display).catch((e: unknown) => {
      if (e instanceof ConfigError) return e;
      throw e;
    });
    if (text instanceof ConfigError) return { ok: false, error: text };
    if (text === undefined) return { ok: false, error: new ConfigError(this.display, [{ field: '', message: 'file not found' }]) };
    if (text === this.text) return { ok: true, value: { config: this.config, changed: false } };
    const validated = validateConfigText(text, { file: this.display, env: this.env });
    if (!validated.ok) return validated;
    this.accept(validated.value, text);
    return { ok: true, value: { config: this.config, changed: true } };
  }

  /**
   * Edits the document, validates the result and writes it atomically; throws {@link ConfigError} when invalid.
   * A hand edit made since the last read is picked up first (never overwritten); while the file on disk is
   * invalid, updates are refused so that a half-finished hand edit is not clobbered.
   */
  update(mutate: (document: ConfigDocument) => void): Promise<LockstepConfig> {
    const run = async (): Promise<LockstepConfig> => {
      const fresh = await this.reload();
      if (!fresh.ok) throw fresh.error;
      const next = this.document();
      mutate(next);
      const validated = validateConfigDocument(next, { file: this.display, env: this.env });
      if (!validated.ok) throw validated.error;
      this.db.data = next;
      await this.db.write();
      this.accept(validated.value, stringify(next));
      return this.config;
    };
    const result = this.writes.then(run, run);
    this.writes = result.catch(() => undefined);
    return result;
  }

  private accept(validated: { config: LockstepConfig; document: ConfigDocument }, text: string): void {
    this.db.data = validated.document;
    this.config = validated.config;
    this.text = text;
    for (const listener of this.listeners) listener(this.config);
  }
}

function stringify(document: ConfigDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

async function readText(file: string, display: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new ConfigError(display, [{ field: '', message: `cannot be read (${code ?? (e as Error).message})` }]);
  }
}
