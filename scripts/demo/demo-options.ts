/** Command-line options of `npm run demo`, parsed once at the edge. */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Result } from '../../gateway/domain/result.ts';

export interface DemoOptions {
  /** Run the scenario, print a summary and exit (used by the test). */
  readonly once: boolean;
  /** Keep the state of an earlier run instead of starting fresh. */
  readonly keep: boolean;
  /** Absolute demo data directory (configuration, SQLite state, gateway log). */
  readonly dataDir: string;
  /** Port the gateway listens on; 0 picks a free one. */
  readonly port: number;
  /** Seconds between two rounds of background traffic after the scenario. */
  readonly trickleSeconds: number;
}

export const DEMO_USAGE = `Usage: npm run demo -- [options]

  --once             run the scenario, print a summary and exit
  --keep             keep the state of the previous run (default: start fresh)
  --data-dir DIR     demo data directory (default ./data/demo)
  --port N           gateway port (default $LOCKSTEP_PORT or 8080; 0 picks a free port)
  --trickle SECONDS  seconds between rounds of background traffic (default 5)
  --help             this text`;

export function parseDemoArgs(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Result<DemoOptions | 'help', string> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        once: { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        trickle: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  const v = parsed.values;
  if (v.help) return { ok: true, value: 'help' };
  const portText = v.port ?? env.LOCKSTEP_PORT ?? '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) return { ok: false, error: `--port: expected 0-65535, got ${JSON.stringify(portText)}` };
  const trickleText = v.trickle ?? '5';
  const trickleSeconds = Number(trickleText);
  if (!Number.isFinite(trickleSeconds) || trickleSeconds < 0.5 || trickleSeconds > 3600) {
    return { ok: false, error: `--trickle: expected seconds between 0.5 and 3600, got ${JSON.stringify(trickleText)}` };
  }
  return {
    ok: true,
    value: {
      once: v.once === true,
      keep: v.keep === true,
      dataDir: path.resolve(cwd, v['data-dir'] ?? './data/demo'),
      port,
      trickleSeconds,
    },
  };
}
