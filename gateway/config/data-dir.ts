/** The data directory must exist and be writable before anything is written to it. */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StartupError } from './startup-error.ts';

export async function ensureWritableDirectory(dir: string, display: string, what = 'data directory'): Promise<void> {
  const probe = path.join(dir, `.write-probe-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new StartupError(`${what} ${display} is not writable (${code ?? (e as Error).message})`, { cause: e });
  }
}
