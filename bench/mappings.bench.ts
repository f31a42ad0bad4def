/**
 * Normalisation throughput through the compiled CyberArk profile (Vault syslog audit records: PSM connect and
 * disconnect, retrieve password, CPM change) against a hand-written TypeScript function producing the same
 * canonical events and dedupe keys, in the same run.
 */
import type { Bench } from './run.ts';
import { normalise, sameJson, type CanonicalEvent, type InboundInput } from '../mappings/lib/index.ts';
import { BUILTIN_DIRS, loadMappingDirs } from '../mappings/lib/loader-fs.ts';
import { kv } from '../mappings/lib/functions.ts';
import { sha256Hex } from '../mappings/lib/sha256.ts';

const CODES = [['300', 'PSM Connect'], ['302', 'PSM Disconnect'], ['295', 'Retrieve password'], ['24', 'CPM Change Password']] as const;

function records(n: number): InboundInput[] {
  return Array.from({ length: n }, (_, i) => {
    const [id, desc] = CODES[i % CODES.length]!;
    const rec = { MessageID: id, Desc: desc, IsoTimestamp: new Date(1_700_000_000_000 + i * 1000).toISOString(), Issuer: `user${i % 50}`, Safe: `Safe-${i % 20}`, File: `Operating System-UnixSSH-host${i % 100}-root`, ExtraDetails: `ApplicationType=SSH;SessionID=s-${i};User=user${i % 50};`, RequestId: '', Reason: '' };
    return { connectorId: 'cyberark-prod', channel: 'syslog', body: `<5>1 ${rec.IsoTimestamp} vault CyberArk - - - ${JSON.stringify({ syslog: { audit_record: rec } })}` };
  });
}

type Rec = Record<string, string | undefined>;

/** The same mapping written by hand. */
function handWritten(input: InboundInput): { dedupeKey: string; events: CanonicalEvent[] } | undefined {
  const at = input.body.indexOf('{');
  const r = (JSON.parse(input.body.slice(at)) as { syslog: { audit_record: Rec } }).syslog.audit_record;
  const details = kv(r.ExtraDetails);
  const dedupeKey = `sha256:${sha256Hex(JSON.stringify([r.MessageID, r.IsoTimestamp, r.Issuer, r.Safe, r.File, details?.SessionID]))}`;
  const occurredAt = new Date(Date.parse(r.IsoTimestamp!)).toISOString();
  const target = { kind: 'account' as const, ref: `${r.Safe}/${r.File}` };
  const base = { connectorId: input.connectorId, occurredAt, target };
  switch (String(r.MessageID)) {
    case '300':
      return { dedupeKey, events: [{ ...base, type: 'session.started', principal: details?.User ?? r.Issuer, externalId: details?.SessionID, attributes: { safe: r.Safe, issuer: r.Issuer, reason: r.Reason } }] };
    case '302':
      return { dedupeKey, events: [{ ...base, type: 'session.ended', principal: details?.User ?? r.Issuer, externalId: details?.SessionID, attributes: { safe: r.Safe } }] };
    case '295':
      return { dedupeKey, events: [{ ...base, type: 'credential.checked_out', principal: r.Issuer, attributes: { safe: r.Safe, action: r.Desc, reason: r.Reason, requestId: r.RequestId } }] };
    case '24':
      return { dedupeKey, events: [{ ...base, type: 'credential.rotated', principal: r.Issuer, attributes: { safe: r.Safe } }] };
    default:
      return undefined;
  }
}

async function rate(inputs: readonly InboundInput[], minMs: number, fn: (i: InboundInput) => unknown): Promise<number> {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    for (const input of inputs) {
      const r = fn(input);
      if (r instanceof Promise) await r;
    }
    n += inputs.length;
  }
  return n / ((performance.now() - start) / 1000);
}

const bench: Bench = async (report) => {
  const loaded = await loadMappingDirs(BUILTIN_DIRS);
  if (!loaded.ok) throw new Error('built-in mappings do not load');
  const profile = loaded.value.profiles.get('cyberark')!;
  const inputs = records(2000);
  for (const input of inputs.slice(0, 8)) {
    const ours = await normalise(profile, input);
    const hw = handWritten(input);
    if (!hw || ours.dedupeKey !== hw.dedupeKey || !sameJson(ours.events, hw.events)) throw new Error('profile and hand-written baseline disagree');
  }
  await rate(inputs, 500, (i) => normalise(profile, i));
  await rate(inputs, 500, handWritten);
  let ours = 0;
  let base = 0;
  for (let round = 0; round < 3; round++) {
    ours = Math.max(ours, await rate(inputs, 1500, (i) => normalise(profile, i)));
    base = Math.max(base, await rate(inputs, 1500, handWritten));
  }
  report({ name: 'normalise cyberark syslog (events/s/core)', value: ours, unit: 'events/s', baseline: base, target: '≥ 50000 events/s', met: ours >= 50_000 });
  report({ name: 'normalise vs hand-written function (ratio)', value: ours / base, unit: '×', target: '≥ 0.3×', met: ours / base >= 0.3 });
};

export default bench;
