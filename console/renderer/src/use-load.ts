/** Loads data from the console API and reloads it when its inputs or the live revision change. */
import { useCallback, useEffect, useState } from 'react';
import { useConsole } from './api-context.tsx';
import type { ConsoleApi } from '../../shared/console-api.ts';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly loading: boolean;
  reload(): void;
}

export function useLoad<T>(load: (api: ConsoleApi) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const { api, revision } = useConsole();
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let cancelled = false;
    setState((s) => ({ ...s, loading: true }));
    load(api).then(
      (data) => !cancelled && setState({ data, loading: false }),
      (e: unknown) => !cancelled && setState((s) => ({ ...s, error: (e as Error).message, loading: false })),
    );
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, revision, tick, ...deps]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
