/**
 * Lockstep's extension functions, available in every expression (`$kv(ExtraDetails).SessionID`). Each is pure
 * and also implemented by the fast path, so that both evaluators agree.
 */

let lastKv: { text: string; pair: unknown; key: unknown; out: Readonly<Record<string, string>> } | undefined;

/** Parses `k1=v1;k2=v2;` (CyberArk ExtraDetails) into an object. The last result is reused (rules read it often). */
export function kv(text: unknown, pairSeparator: unknown = ';', keySeparator: unknown = '='): Readonly<Record<string, string>> | undefined {
  if (typeof text !== 'string') return undefined;
  if (lastKv && lastKv.text === text && lastKv.pair === pairSeparator && lastKv.key === keySeparator) return lastKv.out;
  const out = parseKv(text, pairSeparator, keySeparator);
  lastKv = { text, pair: pairSeparator, key: keySeparator, out };
  return out;
}

function parseKv(text: string, pairSeparator: unknown, keySeparator: unknown): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const part of text.split(String(pairSeparator))) {
    const at = part.indexOf(String(keySeparator));
    if (at <= 0) continue;
    out[part.slice(0, at).trim()] = part.slice(at + String(keySeparator).length).trim();
  }
  return Object.freeze(out);
}

/** `CORP\bob` → `bob`, `bob@corp.example` → `bob`; anything else unchanged. */
export function stripDomain(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  const slash = name.lastIndexOf('\\');
  const base = slash >= 0 ? name.slice(slash + 1) : name;
  const at = base.indexOf('@');
  return at > 0 ? base.slice(0, at) : base;
}

/** Unix seconds (number or numeric string) → ISO 8601. */
export function unixToIso(value: unknown): string | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return undefined;
  return new Date(n * 1000).toISOString();
}

/** ISO 8601 → unix seconds (whole). */
export function isoToUnix(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** Whole minutes from `start` to `end` (ISO 8601), or undefined. */
export function minutesBetween(start: unknown, end: unknown): number | undefined {
  if (typeof start !== 'string' || typeof end !== 'string') return undefined;
  const a = Date.parse(start);
  const b = Date.parse(end);
  if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
  return Math.round((b - a) / 60_000);
}

/** A date as ISO 8601 UTC, accepting ISO strings with offsets and unix milliseconds; else undefined. */
export function iso(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString();
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** ISO 8601 duration (`PT4H`, `P1DT30M`) → whole minutes; undefined when not a duration. */
export function isoDurationMinutes(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (!m || value === 'P' || value.endsWith('T')) return undefined;
  const [, d, h, min, s] = m;
  return Number(d ?? 0) * 1440 + Number(h ?? 0) * 60 + Number(min ?? 0) + Math.round(Number(s ?? 0) / 60);
}

export const EXTENSION_FUNCTIONS: Readonly<Record<string, (...args: never[]) => unknown>> = {
  kv,
  stripDomain,
  unixToIso,
  isoToUnix,
  minutesBetween,
  iso,
  isoDurationMinutes,
};
