/** Entry: the Electron bridge when present, else the HTTP client after the login screen. */
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { ConsoleApi } from '../../shared/console-api.ts';
import { AppShell } from './app-shell.tsx';
import { bridgeApi } from './bridge.ts';
import { LoginScreen, TOKEN_KEY, httpApi } from './login-screen.tsx';
import './styles.css';

function Root() {
  const bridge = bridgeApi();
  const signOut = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    setApi(undefined);
  };
  const [api, setApi] = useState<ConsoleApi | undefined>(() => {
    if (bridge) return bridge;
    const token = sessionStorage.getItem(TOKEN_KEY);
    return token ? httpApi(token, () => signOut()) : undefined;
  });
  if (!api) return <LoginScreen onLogin={(token) => setApi(httpApi(token, () => signOut()))} />;
  return <AppShell api={api} onSignOut={bridge ? undefined : signOut} />;
}

createRoot(document.getElementById('root')!).render(<StrictMode><Root /></StrictMode>);
