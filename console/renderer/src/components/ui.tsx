/** Small presentational pieces shared by the screens. */
import type { ReactNode } from 'react';

export function SeverityBadge({ severity }: { severity: string }) {
  return <span className={`badge sev-${severity}`}>{severity}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`}>{status}</span>;
}

export function ScreenHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="screen-header">
      <h1>{title}</h1>
      <div className="screen-actions">{children}</div>
    </header>
  );
}

export function ErrorNote({ error }: { error: string | undefined }) {
  return error ? <p role="alert" className="error-note">{error}</p> : null;
}

export function Stat({ label, value, tone }: { label: string; value: number | string; tone?: 'bad' | 'warn' | 'ok' | undefined }) {
  return (
    <div className={`stat ${tone ?? ''}`} role="group" aria-label={label}>
      <div className="stat-value">{value}</div>
      <div className="stat-label">{label}</div>
    </div>
  );
}

export function Pager({ startIndex, count, total, onPage }: { startIndex: number; count: number; total: number; onPage: (startIndex: number) => void }) {
  const last = Math.min(total, startIndex + count - 1);
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={startIndex <= 1} onClick={() => onPage(Math.max(1, startIndex - count))}>Previous</button>
      <span aria-live="polite">{total === 0 ? 'No results' : `${startIndex}–${last} of ${total}`}</span>
      <button type="button" disabled={last >= total} onClick={() => onPage(startIndex + count)}>Next</button>
    </nav>
  );
}

export function when(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
