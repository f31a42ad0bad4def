/** Ledger verification: walks the hash chain and names the first entry that is not what was appended. */
import { useState } from 'react';
import type { LedgerVerification } from '../../../shared/api-types.ts';
import { useConsole } from '../api-context.tsx';
import { ErrorNote, ScreenHeader } from '../components/ui.tsx';
import { errorText } from '../use-load.ts';

export function LedgerScreen() {
  const { api } = useConsole();
  const [result, setResult] = useState<LedgerVerification>();
  const [failure, setFailure] = useState<string>();
  const verify = async () => {
    setFailure(undefined);
    try {
      setResult(await api.verifyLedger());
    } catch (e) {
      setFailure(errorText(e));
    }
  };
  return (
    <div>
      <ScreenHeader title="Ledger" />
      <section className="card">
        <p>Every decision, resolution and revocation is appended to a hash-chained ledger. Verification reads it from the first entry and finds any edit, removal or reordering.</p>
        <button type="button" className="primary" onClick={() => void verify()}>Verify ledger</button>
        <ErrorNote error={failure} />
        {result ? (
          result.ok
            ? <p role="status" className="notice ok">Ledger intact: {result.count} entries, last hash <code>{result.lastHash.slice(0, 16)}…</code></p>
            : <p role="alert" className="error-note">Ledger broken at entry {result.seq}: {result.problem} — {result.detail}</p>
        ) : null}
      </section>
    </div>
  );
}
