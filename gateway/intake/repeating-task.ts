/**
 * A background task run again and again: each run resolves with how long to wait before the next. `stop()`
 * cancels the next run and waits for the one in progress. The run handles its own errors (a rejection would end
 * the repetition), so each caller decides what a failed run means for the next delay.
 */
export interface RepeatingTask {
  start(): void;
  stop(): Promise<void>;
}

export function repeatingTask(run: () => Promise<number>): RepeatingTask {
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function loop(): Promise<void> {
    if (stopped) return;
    const delayMs = await run();
    if (!stopped) timer = setTimeout(() => void (running = loop()), delayMs);
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      running = loop();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
