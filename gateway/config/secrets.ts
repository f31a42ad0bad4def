/**
 * `env:NAME` secret references. The file keeps the reference; the value is read from the environment when the
 * configuration is loaded (to fail early) and when a connector needs it (so a rotated variable takes effect
 * on the next reload). Resolved values are never written back or logged.
 */
import type { ConnectorConfig, LockstepConfig } from './config-schema.ts';
import { type ConfigProblem, formatFieldPath } from './config-error.ts';

export type Environment = Readonly<Record<string, string | undefined>>;

const PREFIX = 'env:';

export function isEnvReference(value: string): boolean {
  return value.startsWith(PREFIX);
}

/** A secret's value: the literal, or the environment variable it names. Throws when the variable is unset. */
export function resolveSecret(value: string, env: Environment): string {
  if (!isEnvReference(value)) return value;
  const name = value.slice(PREFIX.length);
  const resolved = env[name];
  if (resolved === undefined || resolved === '') throw new Error(`environment variable ${name} is not set`);
  return resolved;
}

/** Every `env:NAME` reference under `connectors` whose variable is unset, as config problems. */
export function findMissingSecrets(config: LockstepConfig, env: Environment): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (typeof value === 'string') {
      if (isEnvReference(value)) {
        const name = value.slice(PREFIX.length);
        if (env[name] === undefined || env[name] === '') {
          problems.push({ field: formatFieldPath(path), message: `environment variable ${name} is not set` });
        }
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, i]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
    }
  };
  config.connectors.forEach((connector, i) => walk(connector, ['connectors', i]));
  return problems;
}

/** A copy of the connector with every `env:NAME` replaced by its value (for the code that authenticates). */
export function resolveConnectorSecrets(connector: ConnectorConfig, env: Environment): ConnectorConfig {
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return resolveSecret(value, env);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    }
    return value;
  };
  return walk(connector) as ConnectorConfig;
}
