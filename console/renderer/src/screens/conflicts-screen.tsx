/** Conflicts: the open ones with their facts, resolved by IGA wins, PAM wins, a time-bounded exception, or revoke. */
import { useState } from 'react';
import type { Conflict, ResolutionAction } from '../../../shared/api-types.ts';
import { useConsole } from '../api-context.tsx';
import { ErrorNote, ScreenHeader, StatusBadge, when } from '../components/ui.tsx';
import { errorText, useLoad } from '../use-load.ts';

const ACTIONS: readonly { action: ResolutionAction; label: string; hint: string }[] = [
  { action: 'iga-wins', label: 'IGA wins', hint: 'make PAM match what IGA approved' },
  { action: 'pam-wins', label: 'PAM wins', hint: 'propose PAM’s state to IGA' },
  { action: 'exception', label: 'Exception', hint: 'keep as is until an expiry, with an owner' },
  { action: 'revoke', label: 'Revoke', hint: 'remove the access at PAM' },
];

function inDays(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

function ResolveForm({ conflict, onDone }: { conflict: Conflict; onDone: (message: string) => void }) {
  const { api } = useConsole();
  const [action, setAction] = useState<ResolutionAction>('iga-wins');
  const [by, setBy] = useState('');
  const [reason, setReason] = useState('');
  const [owner, setOwner] = useState('');
  const [until, setUntil] = useState(inDays(30));
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.resolveConflict(conflict.id, {
        action, by, reason,
        ...(action === 'exception' ? { owner, until: new Date(`${until}T23:59:59Z`).toISOString() } : {}),
      });
      onDone(`Resolved (${action}); ledger entry #${r.ledgerSeq}. ${r.applied.map((a) => a.detail).join('; ')}`);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="resolve" aria-label={`Resolve conflict ${conflict.id}`} onSubmit={submit}>
      <fieldset>
        <legend>Resolution</legend>
        {ACTIONS.map((a) => (
          <label key={a.action} className="radio">
            <input type="radio" name={`action-${conflict.id}`} value={a.action} checked={action === a.action} onChange={() => setAction(a.action)} />
            {a.label} <span className="muted">— {a.hint}</span>
          </label>
        ))}
      </fieldset>
      <label>Decided by<input aria-label="Decided by" required value={by} onChange={(e) => setBy(e.target.value)} placeholder="you@example.com" /></label>
      <label>Reason<textarea aria-label="Reason" required value={reason} onChange={(e) => setReason(e.target.value)} rows={2} /></label>
      {action === 'exception' ? (
        <>
          <label>Exception owner<input aria-label="Exception owner" required value={owner} onChange={(e) => setOwner(e.target.value)} /></label>
          <label>Expires on<input aria-label="Expires on" required type="date" value={until} onChange={(e) => setUntil(e.target.value)} /></label>
        </>
      ) : null}
      <ErrorNote error={error} />
      <button type="submit" className="primary" disabled={busy}>Resolve</button>
    </form>
  );
}

export function ConflictsScreen() {
  const [status, setStatus] = useState<'open' | 'resolved'>('open');
  const [notice, setNotice] = useState<string>();
  const list = useLoad((api) => api.listConflicts({ status, count: 50 }), [status]);
  return (
    <div>
      <ScreenHeader title="Conflicts">
        <label>Show
          <select aria-label="Show" value={status} onChange={(e) => setStatus(e.target.value as 'open' | 'resolved')}>
            <option value="open">open</option><option value="resolved">resolved</option>
          </select>
        </label>
      </ScreenHeader>
      {notice ? <p role="status" className="notice">{notice}</p> : null}
      <ErrorNote error={list.error} />
      {list.data?.items.length === 0 ? <p className="muted">No {status} conflicts.</p> : null}
      {(list.data?.items ?? []).map((c) => (
        <article key={c.id} className="card conflict" aria-label={c.summary}>
          <header>
            <h2>{c.summary}</h2>
            <p><StatusBadge status={c.status} /> <code>{c.kind}</code> <span className="muted">since {when(c.createdAt)}</span></p>
          </header>
          <pre className="json">{JSON.stringify(c.details, null, 2)}</pre>
          {c.status === 'open' ? <ResolveForm conflict={c} onDone={(m) => { setNotice(m); list.reload(); }} /> : (
            <p>Resolved: <strong>{c.resolution?.action}</strong> by {c.resolution?.by} — {c.resolution?.reason}
              {c.resolution?.until ? ` (until ${when(c.resolution.until)}, owner ${c.resolution.owner})` : ''}</p>
          )}
        </article>
      ))}
    </div>
  );
}
