/** The gateway wires the retention purge: its metrics are exported from the start, and its settings are accepted. */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';

let gw: TestGateway | undefined;
afterAll(async () => {
  await gw?.stop();
});

describe('retention wiring', () => {
  it('exports the retention metrics and reads its settings from the configuration file', async () => {
    gw = await startTestGateway({ config: { settings: { inboxRetentionDays: 5, outboxRetentionDays: 90 } } });
    expect(gw.gateway.config.current().settings).toMatchObject({ inboxRetentionDays: 5, outboxRetentionDays: 90, tombstoneRetentionDays: 30 });
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    for (const name of ['lockstep_retention_last_purged_rows', 'lockstep_retention_purged_rows_total', 'lockstep_retention_runs_total', 'lockstep_retention_last_run_timestamp_seconds']) {
      expect(text).toContain(`# TYPE ${name}`);
    }
  });
});
