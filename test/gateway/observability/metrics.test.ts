import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../gateway/observability/metrics.ts';

describe('metrics', () => {
  it('gives modules get-or-create metrics on one registry per gateway', async () => {
    const a = createMetrics({ defaultMetrics: false, version: '1.2.3' });
    const b = createMetrics({ defaultMetrics: false });
    const sent = a.counter('lockstep_outbox_sent_total', 'Outbox messages sent.', ['connector']);
    expect(a.counter('lockstep_outbox_sent_total', 'Outbox messages sent.', ['connector'])).toBe(sent);
    sent.inc({ connector: 'cyberark' }, 2);
    let depth = 0;
    a.gauge('lockstep_inbox_pending', 'Pending inbox events.', [], function collect() {
      this.set(depth);
    });
    depth = 7;
    const text = await a.registry.metrics();
    expect(text).toContain('lockstep_outbox_sent_total{connector="cyberark"} 2');
    expect(text).toContain('lockstep_inbox_pending 7');
    expect(text).toContain('lockstep_build_info{version="1.2.3"} 1');
    expect(await b.registry.metrics()).not.toContain('lockstep_outbox_sent_total{');
  });

  it('includes Node process metrics by default', async () => {
    expect(await createMetrics().registry.metrics()).toContain('nodejs_eventloop_lag_seconds');
  });
});
