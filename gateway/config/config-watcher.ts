/**
 * Watches the configuration file and reloads it when it changes. A valid edit becomes current; an invalid one
 * is logged and reported (readiness), and the last good configuration stays in force until the file is fixed.
 *
 * The directory is watched, not the file: editors and lowdb replace the file by rename, which would end a
 * watch on the file itself.
 */
import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ConfigFile } from './config-file.ts';
import type { ConfigError } from './config-error.ts';

export type ConfigStatus = { readonly valid: true } | { readonly valid: false; readonly error: ConfigError };

export interface ConfigWatcherDeps {
  readonly file: ConfigFile;
  readonly logger: Logger;
  /** Called after every reload attempt that found the file changed (valid or not). */
  readonly onReload?: (status: ConfigStatus) => void;
  /** Quiet time after the last change event before reading the file. */
  readonly debounceMs?: number;
}

export interface ConfigWatcher {
  status(): ConfigStatus;
  /** Reads the file now (tests, `SIGHUP`); resolves with the resulting status. */
  check(): Promise<ConfigStatus>;
  close(): void;
}

export function watchConfig(deps: ConfigWatcherDeps): ConfigWatcher {
  const { file, logger } = deps;
  const log = logger.child({ component: 'config-watcher', file: file.display });
  const basename = path.basename(file.path);
  let status: ConfigStatus = { valid: true };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<ConfigStatus> | undefined;
  let again = false;
  let closed = false;

  const runOnce = async (): Promise<ConfigStatus> => {
    try {
      const outcome = await file.reload();
      if (outcome.ok) {
        const wasInvalid = !status.valid;
        status = { valid: true };
        if (outcome.value.changed) log.info({ connectors: outcome.value.config.connectors.length }, 'configuration reloaded');
        else if (wasInvalid) log.info('configuration file is valid again');
        if (outcome.value.changed || wasInvalid) deps.onReload?.(status);
      } else {
        const unchanged = !status.valid && status.error.message === outcome.error.message;
        status = { valid: false, error: outcome.error };
        if (!unchanged) {
          log.error({ problems: outcome.error.lines() }, 'configuration file is invalid; keeping the last good configuration');
          deps.onReload?.(status);
        }
      }
    } catch (e) {
      log.error({ err: e }, 'configuration reload failed');
    }
    return status;
  };

  const check = async (): Promise<ConfigStatus> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let result = await runOnce();
      while (again && !closed) {
        again = false;
        result = await runOnce();
      }
      return result;
    })();
    try {
      return await running;
    } finally {
      running = undefined;
    }
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(path.dirname(file.path), { persistent: false }, (_event, name) => {
      if (closed || (name !== null && name !== basename)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void check(), deps.debounceMs ?? 100);
    });
    watcher.on('error', (e) => log.warn({ err: e }, 'configuration watch stopped'));
  } catch (e) {
    log.warn({ err: e }, 'cannot watch the configuration file; changes need a restart');
  }

  return {
    status: () => status,
    check,
    close() {
      closed = true;
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
