import { describe, expect, it } from 'vitest';
import { repeatingTask } from '../../../gateway/intake/repeating-task.ts';

describe('repeatingTask', () => {
  it('runs again after each run, one run at a time, and stop() waits for the run in progress', async () => {
    let runs = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    let release: (() => void) | undefined;
    const task = repeatingTask(async () => {
      runs++;
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      if (runs === 5) await new Promise<void>((r) => (release = r));
      concurrent--;
      return 0;
    });
    task.start();
    task.start();
    while (!release) await new Promise((r) => setTimeout(r, 1));
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(stopped).toBe(false);
    release();
    await stopping;
    const after = runs;
    await new Promise((r) => setTimeout(r, 10));
    expect(runs).toBe(after);
    expect(runs).toBe(5);
    expect(maxConcurrent).toBe(1);
  });

  it('waits the delay a run asks for before the next one', async () => {
    let runs = 0;
    const task = repeatingTask(async () => {
      runs++;
      return 3_600_000;
    });
    task.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(runs).toBe(1);
    await task.stop();
  });
});
