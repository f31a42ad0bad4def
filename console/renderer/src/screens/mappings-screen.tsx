/** Mappings: the set in use, an editor with validation (file:line:column errors) and saving, and dry-runs. */
import { useEffect, useState } from 'react';
import type { LoadError, Trace } from '../../../shared/api-types.ts';
import { useConsole } from '../api-context.tsx';
import { TraceView } from '../components/trace-view.tsx';
import { ErrorNote, ScreenHeader, when } from '../components/ui.tsx';
import { errorText, useLoad } from '../use-load.ts';

export const SAMPLE_DRY_RUN = `kind: entitlement
operation: grant
entitlement:
  connectorId: sailpoint
  displayName: PAM-PRODDB-Users
  governance: { owner: alice, lastCertifiedAt: '2026-10-01T00:00:00Z', reviewCadenceDays: 90, breakGlass: false, nonHuman: false }
identity: { userName: bob, kind: human, active: true }
`;

const position = (e: LoadError) => `${e.file}:${e.line}:${e.column}`;

function ErrorList({ errors }: { errors: readonly LoadError[] }) {
  return (
    <div role="alert">
      <ul className="load-errors" aria-label="Validation errors">
        {errors.map((e, i) => <li key={i}><code>{position(e)}</code> {e.message}</li>)}
      </ul>
    </div>
  );
}

function Editor({ file }: { file: string }) {
  const { api } = useConsole();
  const [text, setText] = useState<string>();
  const [errors, setErrors] = useState<readonly LoadError[]>([]);
  const [status, setStatus] = useState<string>();
  const [failure, setFailure] = useState<string>();
  useEffect(() => {
    setText(undefined);
    setErrors([]);
    setStatus(undefined);
    api.getMappingFile(file).then((f) => setText(f.text), (e: unknown) => setFailure(errorText(e)));
  }, [api, file]);
  const run = async (save: boolean) => {
    if (text === undefined) return;
    setFailure(undefined);
    setStatus(undefined);
    try {
      const r = save ? await api.saveMapping({ file, text }) : await api.validateMapping({ file, text });
      if (r.ok) {
        setErrors([]);
        setStatus(save && 'version' in r ? `Saved and reloaded (version ${r.version}).` : 'Valid: the whole set loads with this text.');
      } else {
        setErrors(r.errors);
      }
    } catch (e) {
      setFailure(errorText(e));
    }
  };
  return (
    <section className="card" aria-label="Mapping editor">
      <h2>{file}</h2>
      <label className="block">Mapping file text
        <textarea aria-label="Mapping file text" className="code" spellCheck={false} rows={22} value={text ?? ''} disabled={text === undefined} onChange={(e) => setText(e.target.value)} />
      </label>
      <div className="row">
        <button type="button" onClick={() => void run(false)}>Validate</button>
        <button type="button" className="primary" onClick={() => void run(true)}>Save and reload</button>
      </div>
      {status ? <p role="status" className="notice">{status}</p> : null}
      <ErrorNote error={failure} />
      {errors.length > 0 ? <ErrorList errors={errors} /> : null}
    </section>
  );
}

function DryRun() {
  const { api } = useConsole();
  const [text, setText] = useState(SAMPLE_DRY_RUN);
  const [trace, setTrace] = useState<Trace>();
  const [errors, setErrors] = useState<readonly LoadError[]>([]);
  const [failure, setFailure] = useState<string>();
  const run = async () => {
    setFailure(undefined);
    try {
      const r = await api.dryRun({ text });
      if (r.ok) {
        setTrace(r.trace);
        setErrors([]);
      } else {
        setTrace(undefined);
        setErrors(r.errors);
      }
    } catch (e) {
      setFailure(errorText(e));
    }
  };
  return (
    <section className="card" aria-label="Dry-run">
      <h2>Dry-run</h2>
      <p className="muted">An entitlement change, a vendor event or an outbound action (YAML or JSON). Nothing is sent or stored.</p>
      <label className="block">Dry-run input
        <textarea aria-label="Dry-run input" className="code" spellCheck={false} rows={10} value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <button type="button" className="primary" onClick={() => void run()}>Run dry-run</button>
      <ErrorNote error={failure} />
      {errors.length > 0 ? <ErrorList errors={errors} /> : null}
      {trace ? <TraceView trace={trace} /> : null}
    </section>
  );
}

export function MappingsScreen() {
  const overview = useLoad((api) => api.getMappings(), []);
  const [file, setFile] = useState<string>();
  const o = overview.data;
  return (
    <div>
      <ScreenHeader title="Mappings" />
      <ErrorNote error={overview.error} />
      {o?.lastError ? (
        <div className="card bad-card"><h2>The last reload failed ({when(o.lastError.at)}); the previous set stays in use</h2><ErrorList errors={o.lastError.errors} /></div>
      ) : null}
      <div className="grid-2">
        <section className="card" aria-labelledby="set-title">
          <h2 id="set-title">In use (version {o?.version ?? '—'}, loaded {when(o?.loadedAt)})</h2>
          <table aria-label="Mappings in use">
            <thead><tr><th>Mapping</th><th>From</th><th>Targets</th><th>Mode</th><th>Drift</th><th>Conflict</th></tr></thead>
            <tbody>
              {(o?.mappings ?? []).map((m) => (
                <tr key={m.name}><td>{m.name}</td><td>{m.connector}</td><td>{[...new Set(m.targets.map((t) => `${t.connector} ${t.kind}`))].join(', ')}</td><td>{m.mode}</td><td>{m.drift}</td><td>{m.conflict}</td></tr>
              ))}
            </tbody>
          </table>
          <h3>Files</h3>
          <ul className="plain-list">
            {(o?.files ?? []).map((f) => (
              <li key={f.file}><button type="button" className="link" aria-pressed={file === f.file} onClick={() => setFile(f.file)}>Edit {f.file}</button></li>
            ))}
          </ul>
          <p className="muted">Profiles: {(o?.profiles ?? []).join(', ')}</p>
        </section>
        <DryRun />
      </div>
      {file ? <Editor file={file} /> : null}
    </div>
  );
}
