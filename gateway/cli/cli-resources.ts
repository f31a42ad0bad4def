/** What the one-shot commands open: the environment, the configuration file, the state store. */
import path from 'node:path';
import { ConfigFile } from '../config/config-file.ts';
import { type GatewayEnvironment, readEnvironment } from '../config/environment.ts';
import { StartupError } from '../config/startup-error.ts';
import { openStateStore } from '../main.ts';
import type { Store } from '../store/store.ts';
import type { CliContext } from './context.ts';

export function cliEnvironment(ctx: CliContext): GatewayEnvironment {
  const read = readEnvironment(ctx.env, ctx.cwd);
  if (!read.ok) throw new StartupError(read.error);
  return read.value;
}

/** Opens an existing configuration file (`file` overrides the environment's); throws ConfigError. */
export function openCliConfig(ctx: CliContext, opts: { file?: string; checkSecrets: boolean }): Promise<ConfigFile> {
  const environment = cliEnvironment(ctx);
  const display = opts.file ?? environment.configPathDisplay;
  return ConfigFile.open({
    path: opts.file ? path.resolve(ctx.cwd, opts.file) : environment.configPath,
    display,
    ...(opts.checkSecrets ? { env: ctx.env } : {}),
  });
}

/** Runs `fn` with the configured state store open, and closes it after. */
export async function withStore<T>(ctx: CliContext, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStateStore(cliEnvironment(ctx).database);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
