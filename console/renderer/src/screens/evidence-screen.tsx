/** Evidence export for recertification: per entitlement or owner, as JSON, CSV or a printable HTML report. */
import { useState } from 'react';
import type { EvidenceExport, EvidenceFormat } from '../../../shared/api-types.ts';
import { useConsole } from '../api-context.tsx';
import { ErrorNote, ScreenHeader } from '../components/ui.tsx';
import { errorText } from '../use-load.ts';

function download(out: EvidenceExport): void {
  const url = URL.createObjectURL(new Blob([out.body], { type: out.contentType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = out.filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function EvidenceScreen() {
  const { api } = useConsole();
  const [kind, setKind] = useState<'entitlement' | 'owner'>('owner');
  const [value, setValue] = useState('');
  const [format, setFormat] = useState<EvidenceFormat>('html');
  const [result, setResult] = useState<EvidenceExport>();
  const [failure, setFailure] = useState<string>();
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setFailure(undefined);
    try {
      const scope = kind === 'entitlement' ? { kind, entitlementId: value.trim() } as const : { kind, owner: value.trim() } as const;
      setResult(await api.exportEvidence({ scope, format }));
    } catch (err) {
      setFailure(errorText(err));
    }
  };
  return (
    <div>
      <ScreenHeader title="Evidence export" />
      <form className="card form-grid" aria-label="Export evidence" onSubmit={submit}>
        <label>Scope
          <select aria-label="Scope" value={kind} onChange={(e) => setKind(e.target.value as 'entitlement' | 'owner')}>
            <option value="owner">owner</option><option value="entitlement">entitlement id</option>
          </select>
        </label>
        <label>{kind === 'owner' ? 'Owner' : 'Entitlement id'}<input aria-label={kind === 'owner' ? 'Owner' : 'Entitlement id'} required value={value} onChange={(e) => setValue(e.target.value)} /></label>
        <label>Format
          <select aria-label="Format" value={format} onChange={(e) => setFormat(e.target.value as EvidenceFormat)}>
            <option value="html">HTML report</option><option value="csv">CSV</option><option value="json">JSON</option>
          </select>
        </label>
        <button type="submit" className="primary">Export</button>
      </form>
      <ErrorNote error={failure} />
      {result ? (
        <section className="card" aria-label="Export result">
          <p><strong>{result.filename}</strong> ({result.body.length.toLocaleString()} characters) <button type="button" onClick={() => download(result)}>Download</button></p>
          <pre className="json preview">{result.body.slice(0, 4000)}</pre>
        </section>
      ) : null}
    </div>
  );
}
