import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../gateway/observability/logger.ts';
import { redact } from '../../../gateway/observability/redact.ts';

function capture(level = 'info') {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => lines.push(line) } });
  return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logger', () => {
  it('writes JSON lines with level label, time and named fields', () => {
    const { logger, parsed } = capture();
    logger.child({ connectorId: 'cyberark' }).info({ grantId: 'grt_1' }, 'granted');
    expect(parsed()[0]).toMatchObject({ level: 'info', service: 'lockstep', connectorId: 'cyberark', grantId: 'grt_1', msg: 'granted' });
    expect(parsed()[0]?.time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('censors credentials at any depth, in log objects, child bindings and errors', () => {
    const { logger, lines } = capture();
    const error = Object.assign(new Error('call failed'), { options: { headers: { Authorization: 'Bearer SECRET-1' } } });
    logger.info({ req: { headers: { authorization: 'Bearer SECRET-2', cookie: 'SECRET-3', host: 'pvwa' } } }, 'in');
    logger.error({ err: error }, 'out');
    logger.child({ connector: { outbound: { auth: { clientSecret: 'SECRET-4', password: 'SECRET-5' } } } }).child({ x: [{ token: 'SECRET-6' }] }).warn('child');
    logger.info({ settings: { adminToken: 'SECRET-7', apiKey: 'SECRET-8', 'X-Api-Key': 'SECRET-9' } }, 'keys');
    const text = lines.join('');
    for (let i = 1; i <= 9; i++) expect(text).not.toContain(`SECRET-${i}`);
    expect(text).toContain('"host":"pvwa"');
    expect(JSON.parse(lines[1]!).err).toMatchObject({ type: 'Error', message: 'call failed', options: { headers: { Authorization: '[redacted]' } } });
  });

  it('honours the level', () => {
    const { logger, lines } = capture('warn');
    logger.info('quiet');
    logger.warn('loud');
    expect(lines).toHaveLength(1);
  });
});

describe('redact', () => {
  it('returns the same object when nothing is sensitive, and never mutates the input', () => {
    const clean = { a: { b: [1, { c: 'd' }] } };
    expect(redact(clean)).toBe(clean);
    const dirty = { a: { password: 'p', keep: 1 }, list: [{ secret: 's' }] };
    const out = redact(dirty);
    expect(out).toEqual({ a: { password: '[redacted]', keep: 1 }, list: [{ secret: '[redacted]' }] });
    expect(dirty.a.password).toBe('p');
  });
});
