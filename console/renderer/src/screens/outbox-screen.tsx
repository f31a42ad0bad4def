/** Outbox and dead letters: the state machine's messages, replay of one, of a connector's, or all dead letters. */
import { useState } from 'react';
import type { OutboxQuery, ReplayInput } from '../../../shared/api-types.ts';
import { useConsole } from '../api-context.tsx';
import { ErrorNote, Pager, ScreenHeader, StatusBadge, when } from '../components/ui.tsx';
import { errorText, useLoad } from '../use-load.ts';

const PAGE = 25;

export function OutboxScreen() {
  const { api } = useConsole();
  const [query, setQuery] = useState<OutboxQuery>({ status: 'abandoned', startIndex: 1, count: PAGE });
  const [notice, setNotice] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const page = useLoad((a) => a.listOutbox(query), [JSON.stringify(query)]);
  const replay = async (input: ReplayInput) => {
    setFailure(undefined);
    try {
      const r = await api.replayDeadLetters(input);
      setNotice(`${r.replayed} dead letter(s) back in the queue.`);
      page.reload();
    } catch (e) {
      setFailure(errorText(e));
    }
  };
  return (
    <div>
      <ScreenHeader title="Outbox">
        <label>State
          <select aria-label="State" value={query.status ?? ''} onChange={(e) => setQuery({ ...query, startIndex: 1, status: (e.target.value || undefined) as OutboxQuery['status'] })}>
            <option value="">any</option>
            <option value="abandoned">dead letters</option>
            {['queued', 'sending', 'failed', 'delivered'].map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => void replay({ all: true })}>Replay all dead letters</button>
      </ScreenHeader>
      {notice ? <p role="status" className="notice">{notice}</p> : null}
      <ErrorNote error={page.error ?? failure} />
      <table aria-label="Outbox messages">
        <thead><tr><th>Message</th><th>Connector</th><th>Action</th><th>State</th><th>Attempts</th><th>Last error</th><th>Updated</th><th /></tr></thead>
        <tbody>
          {(page.data?.items ?? []).map((m) => (
            <tr key={m.id}>
              <td><code>{m.id}</code></td><td>{m.connectorId}</td><td>{m.action}</td><td><StatusBadge status={m.status} /></td>
              <td>{m.attempts}</td><td className="wrap">{m.lastError ?? ''}</td><td>{when(m.updatedAt)}</td>
              <td>{m.status === 'abandoned' ? <button type="button" aria-label={`Replay ${m.id}`} onClick={() => void replay({ id: m.id })}>Replay</button> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.data ? <Pager startIndex={page.data.startIndex} count={PAGE} total={page.data.totalResults} onPage={(startIndex) => setQuery({ ...query, startIndex })} /> : null}
    </div>
  );
}
