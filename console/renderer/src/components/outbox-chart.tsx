/**
 * Outbox messages per connector and state, as a stacked bar chart (uPlot, canvas). The same figures are in
 * the table next to it, for screen readers.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ConnectorHealth } from '../../../shared/api-types.ts';

const STATES = [
  { key: 'delivered', label: 'delivered', color: '#2f9e6e' },
  { key: 'queued', label: 'queued', color: '#3b82c4' },
  { key: 'sending', label: 'sending', color: '#8b6fd6' },
  { key: 'failed', label: 'failed (retrying)', color: '#d9962b' },
  { key: 'abandoned', label: 'dead letters', color: '#d64545' },
] as const;

export function OutboxChart({ connectors }: { connectors: readonly ConnectorHealth[] }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el || connectors.length === 0) return;
    const xs = connectors.map((_, i) => i);
    const stacked: number[][] = [];
    let running = xs.map(() => 0);
    for (const s of STATES) {
      running = running.map((v, i) => v + (connectors[i]!.outbox[s.key] ?? 0));
      stacked.push([...running]);
    }
    const bars = uPlot.paths.bars!({ size: [0.6, 64] });
    const plot = new uPlot({
      width: Math.max(320, el.clientWidth || 480),
      height: 220,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false, range: [-0.5, connectors.length - 0.5] } },
      axes: [
        { values: (_u, ticks) => ticks.map((t) => connectors[Math.round(t)]?.connectorId ?? ''), splits: () => xs },
        { label: 'messages' },
      ],
      series: [
        {},
        ...STATES.map((s) => ({ label: s.label, stroke: s.color, fill: s.color, paths: bars, points: { show: false } })).reverse(),
      ],
    }, [xs, ...[...stacked].reverse()], el);
    return () => plot.destroy();
  }, [connectors]);
  return (
    <figure className="chart">
      <div ref={host} role="img" aria-label="Outbox messages per connector by state" />
      <figcaption>
        <ul className="legend" aria-label="Chart legend">
          {STATES.map((s) => (
            <li key={s.key}><span className="swatch" style={{ background: s.color }} aria-hidden="true" />{s.label}: {connectors.reduce((n, c) => n + (c.outbox[s.key] ?? 0), 0)}</li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
