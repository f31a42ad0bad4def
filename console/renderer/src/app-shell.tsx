/** Navigation, live updates (the event stream bumps the revision every screen reloads on) and the screens. */
import { useEffect, useMemo, useState } from 'react';
import type { ConsoleApi } from '../../shared/console-api.ts';
import { ConsoleContext } from './api-context.tsx';
import { ConflictsScreen } from './screens/conflicts-screen.tsx';
import { EvidenceScreen } from './screens/evidence-screen.tsx';
import { FindingsScreen } from './screens/findings-screen.tsx';
import { LedgerScreen } from './screens/ledger-screen.tsx';
import { MappingsScreen } from './screens/mappings-screen.tsx';
import { OutboxScreen } from './screens/outbox-screen.tsx';
import { OverviewScreen } from './screens/overview-screen.tsx';

const SCREENS = [
  ['overview', 'Overview'], ['findings', 'Findings'], ['conflicts', 'Conflicts'], ['mappings', 'Mappings'],
  ['outbox', 'Outbox'], ['evidence', 'Evidence'], ['ledger', 'Ledger'],
] as const;

function useHashRoute(): [string, string | undefined] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/');
  const [parts, setParts] = useState(read);
  useEffect(() => {
    const on = () => setParts(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return [parts[0] || 'overview', parts[1] || undefined];
}

export function AppShell({ api, onSignOut }: { api: ConsoleApi; onSignOut?: (() => void) | undefined }) {
  const [screen, param] = useHashRoute();
  const [revision, setRevision] = useState(0);
  const [lastEvent, setLastEvent] = useState<string>();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = api.subscribe((event) => {
      setLastEvent(`${event.type} · ${new Date(event.occurredAt).toLocaleTimeString()}`);
      clearTimeout(timer);
      timer = setTimeout(() => setRevision((r) => r + 1), 400);
    });
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, [api]);
  const value = useMemo(() => ({ api, revision }), [api, revision]);
  return (
    <ConsoleContext.Provider value={value}>
      <div className="shell">
        <nav className="sidebar" aria-label="Console sections">
          <div className="brand"><span className="logo" aria-hidden="true">◈</span> Lockstep</div>
          <ul>
            {SCREENS.map(([id, label]) => (
              <li key={id}><a href={`#/${id}`} aria-current={screen === id ? 'page' : undefined}>{label}</a></li>
            ))}
          </ul>
          <div className="live" aria-live="polite">{lastEvent ? <>Live: {lastEvent}</> : 'Live updates on'}</div>
          {onSignOut ? <button type="button" className="link signout" onClick={onSignOut}>Sign out</button> : null}
        </nav>
        <main className="content">
          {screen === 'findings' ? <FindingsScreen selected={param} />
            : screen === 'conflicts' ? <ConflictsScreen />
            : screen === 'mappings' ? <MappingsScreen />
            : screen === 'outbox' ? <OutboxScreen />
            : screen === 'evidence' ? <EvidenceScreen />
            : screen === 'ledger' ? <LedgerScreen />
            : <OverviewScreen />}
        </main>
      </div>
    </ConsoleContext.Provider>
  );
}
