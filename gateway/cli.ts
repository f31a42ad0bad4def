/** The `lockstep` command (run through `bin/lockstep.mjs`). */
import { processCliContext } from './cli/context.ts';
import { runCli } from './cli/program.ts';

const code = await runCli(process.argv.slice(2), processCliContext());
if (code !== 0) process.exit(code);
