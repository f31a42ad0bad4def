/** The console API and a refresh counter that live events bump, for every screen. */
import { createContext, useContext } from 'react';
import type { ConsoleApi } from '../../shared/console-api.ts';

export interface ConsoleContextValue {
  readonly api: ConsoleApi;
  /** Increments when live events arrive: screens reload on change. */
  readonly revision: number;
}

export const ConsoleContext = createContext<ConsoleContextValue | undefined>(undefined);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole outside ConsoleContext');
  return value;
}
