/** Asks once for the admin token (browser only); it is kept in sessionStorage, for this tab's life. */
import { useState } from 'react';
import type { ConsoleApi } from '../../shared/console-api.ts';
import { createHttpConsoleApi } from '../../shared/http-console-api.ts';
import { errorText } from './use-load.ts';

export const TOKEN_KEY = 'lockstep.adminToken';

export function httpApi(token: string, onUnauthorized: () => void): ConsoleApi {
  return createHttpConsoleApi({ baseUrl: '', token, onUnauthorized });
}

export function LoginScreen({ onLogin }: { onLogin: (token: string) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const api = httpApi(token.trim(), () => undefined);
    try {
      await api.health();
      sessionStorage.setItem(TOKEN_KEY, token.trim());
      onLogin(token.trim());
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <form className="card" aria-label="Sign in" onSubmit={submit}>
        <h1><span className="logo" aria-hidden="true">◈</span> Lockstep</h1>
        <p className="muted">Enter the admin token printed when the gateway first started (<code>lsa_…</code>).</p>
        <label className="block">Admin token
          <input aria-label="Admin token" type="password" autoComplete="off" required value={token} onChange={(e) => setToken(e.target.value)} />
        </label>
        {error ? <p role="alert" className="error-note">{error}</p> : null}
        <button type="submit" className="primary" disabled={busy}>Sign in</button>
      </form>
    </main>
  );
}
