/**
 * `npm run demo`: the gateway with simulated IGA and PAM traffic, for a first look. See docs/demo.md.
 * `--once` runs the scenario, prints a summary and exits 0; otherwise it runs until Ctrl-C.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StartupError } from '../gateway/main.ts';
import { DEMO_USAGE, parseDemoArgs } from './demo/demo-options.ts';
import { runDemo } from './demo/run-demo.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const parsed = parseDemoArgs(process.argv.slice(2), process.env, process.cwd());
if (!parsed.ok) {
  process.stderr.write(`demo: ${parsed.error}\n\n${DEMO_USAGE}\n`);
  process.exit(2);
}
if (parsed.value === 'help') {
  process.stdout.write(`${DEMO_USAGE}\n`);
  process.exit(0);
}

let signals = 0;
const stopSignal = new Promise<void>((resolve) => {
  const onSignal = (): void => {
    signals += 1;
    if (signals > 1) {
      process.stderr.write('demo: second stop signal, exiting without waiting\n');
      process.exit(1);
    }
    resolve();
  };
  if (parsed.value === 'help' || parsed.value.once) return;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
});

try {
  const code = await runDemo(parsed.value, { repoRoot, env: process.env, out: (line) => process.stdout.write(`${line}\n`), stopSignal });
  process.exit(code);
} catch (e) {
  process.stderr.write(e instanceof StartupError ? `demo: ${e.message}\n` : `demo: failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
}
