import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../gateway/domain/clock.ts';
import type { Delivery } from '../../../gateway/intake/verify/delivery.ts';
import { answerOktaChallenge } from '../../../gateway/intake/verify/okta-challenge.ts';
import { assertSchemeConfigured, verifyDelivery, type VerificationScheme } from '../../../gateway/intake/verify/scheme.ts';
import { signStandardWebhook, standardWebhookSecret } from '../../fakes/index.ts';

const NOW = Date.parse('2026-11-29T10:00:00Z');
const clock = new ManualClock(NOW);
const ctx = { clock };
const secretA = standardWebhookSecret(Buffer.alloc(32, 1));
const secretB = standardWebhookSecret(Buffer.alloc(32, 2));
const body = '{"type":"access_request.update","id":"r1"}';

function sw(headers: Record<string, string>, raw = body): Delivery {
  return { method: 'POST', headers, query: {}, rawBody: Buffer.from(raw) };
}
function signed(secret: string | string[], ts = Math.floor(NOW / 1000), id = 'msg_1', raw = body): Delivery {
  return sw({ 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook(secret, id, ts, raw) }, raw);
}
const standard = (secrets: string[]): VerificationScheme => ({ kind: 'standard-webhooks', secrets });

describe('Standard Webhooks verification', () => {
  it('accepts a correctly signed delivery and returns its id', () => {
    const r = verifyDelivery(standard([secretA]), signed(secretA), ctx);
    expect(r).toEqual({ ok: true, value: { eventId: 'msg_1' } });
  });
  it('rejects a forged signature, a tampered body and an unsigned delivery', () => {
    expect(verifyDelivery(standard([secretA]), signed(secretB), ctx)).toMatchObject({ ok: false, error: { code: 'bad-signature' } });
    const d = signed(secretA);
    expect(verifyDelivery(standard([secretA]), { ...d, rawBody: Buffer.from(body.replace('r1', 'r2')) }, ctx)).toMatchObject({ ok: false, error: { code: 'bad-signature' } });
    expect(verifyDelivery(standard([secretA]), sw({ 'webhook-id': 'x', 'webhook-timestamp': String(NOW / 1000) }), ctx)).toMatchObject({ ok: false, error: { code: 'missing-credentials' } });
  });
  it('rejects a replayed (old) and a future timestamp beyond the 5 minute tolerance, accepts within', () => {
    const old = Math.floor(NOW / 1000) - 301;
    expect(verifyDelivery(standard([secretA]), signed(secretA, old), ctx)).toMatchObject({ ok: false, error: { code: 'timestamp-out-of-tolerance' } });
    expect(verifyDelivery(standard([secretA]), signed(secretA, Math.floor(NOW / 1000) + 301), ctx)).toMatchObject({ ok: false, error: { code: 'timestamp-out-of-tolerance' } });
    expect(verifyDelivery(standard([secretA]), signed(secretA, Math.floor(NOW / 1000) - 299), ctx).ok).toBe(true);
  });
  it('accepts during key rotation: either configured secret, and a signature list with one valid entry', () => {
    expect(verifyDelivery(standard([secretB, secretA]), signed(secretA), ctx).ok).toBe(true);
    expect(verifyDelivery(standard([secretA]), signed([secretB, secretA]), ctx).ok).toBe(true);
    expect(verifyDelivery(standard([secretA]), sw({ 'webhook-id': 'msg_1', 'webhook-timestamp': String(NOW / 1000), 'webhook-signature': 'v2,abc v1,!!!' }), ctx).ok).toBe(false);
  });
});

describe('vendor HMAC', () => {
  const hex = (s: string, data: string) => createHmac('sha256', s).update(data).digest('hex');
  it('verifies hex with a sha256= prefix over the raw body', () => {
    const scheme: VerificationScheme = { kind: 'vendor-hmac', header: 'X-Hub-Signature-256', prefix: 'sha256=', secrets: ['k1'] };
    expect(verifyDelivery(scheme, sw({ 'x-hub-signature-256': `sha256=${hex('k1', body)}` }), ctx).ok).toBe(true);
    expect(verifyDelivery(scheme, sw({ 'x-hub-signature-256': `sha256=${hex('k2', body)}` }), ctx)).toMatchObject({ ok: false, error: { code: 'bad-signature' } });
    expect(verifyDelivery(scheme, sw({ 'x-hub-signature-256': hex('k1', body) }), ctx)).toMatchObject({ ok: false, error: { code: 'malformed-credentials' } });
  });
  it('verifies base64 over timestamp + body and applies the tolerance', () => {
    const scheme: VerificationScheme = { kind: 'vendor-hmac', header: 'x-sig', encoding: 'base64', signed: { kind: 'timestamp-body', timestampHeader: 'x-ts' }, secrets: ['old', 'new'] };
    const ts = String(Math.floor(NOW / 1000));
    const sig = createHmac('sha256', 'new').update(`${ts}.${body}`).digest('base64');
    expect(verifyDelivery(scheme, sw({ 'x-sig': sig, 'x-ts': ts }), ctx).ok).toBe(true);
    const oldTs = String(Math.floor(NOW / 1000) - 3600);
    const oldSig = createHmac('sha256', 'new').update(`${oldTs}.${body}`).digest('base64');
    expect(verifyDelivery(scheme, sw({ 'x-sig': oldSig, 'x-ts': oldTs }), ctx)).toMatchObject({ ok: false, error: { code: 'timestamp-out-of-tolerance' } });
  });
});

describe('static secrets, basic and bearer', () => {
  it('checks a header secret and a query secret', () => {
    const h: VerificationScheme = { kind: 'shared-secret', in: 'header', name: 'X-Delinea-Secret', secrets: ['s3cret'] };
    expect(verifyDelivery(h, sw({ 'x-delinea-secret': 's3cret' }), ctx).ok).toBe(true);
    expect(verifyDelivery(h, sw({ 'x-delinea-secret': 's3cre' }), ctx)).toMatchObject({ ok: false, error: { code: 'bad-credentials' } });
    const q: VerificationScheme = { kind: 'shared-secret', in: 'query', name: 'token', secrets: ['t1'] };
    expect(verifyDelivery(q, { ...sw({}), query: { token: 't1' } }, ctx).ok).toBe(true);
    expect(verifyDelivery(q, { ...sw({}), query: { token: ['t1', 't1'] } }, ctx).ok).toBe(false);
  });
  it('checks basic credentials and bearer tokens', () => {
    const basic: VerificationScheme = { kind: 'basic', credentials: [{ username: 'teleport', password: 'pw' }] };
    const enc = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    expect(verifyDelivery(basic, sw({ authorization: enc('teleport:pw') }), ctx).ok).toBe(true);
    expect(verifyDelivery(basic, sw({ authorization: enc('teleport:px') }), ctx).ok).toBe(false);
    expect(verifyDelivery(basic, sw({ authorization: enc('other:pw') }), ctx).ok).toBe(false);
    const bearer: VerificationScheme = { kind: 'bearer', tokens: ['tok'] };
    expect(verifyDelivery(bearer, sw({ authorization: 'Bearer tok' }), ctx).ok).toBe(true);
    expect(verifyDelivery(bearer, sw({ authorization: 'Bearer nope' }), ctx).ok).toBe(false);
  });
});

describe('Okta verification challenge', () => {
  const scheme = { kind: 'shared-secret', in: 'header', name: 'authorization', secrets: ['okta-secret'] } as const;
  it('answers only with the right static secret', () => {
    const d = (auth: string): Delivery => ({ method: 'GET', headers: { authorization: auth, 'x-okta-verification-challenge': 'abc' }, query: {}, rawBody: Buffer.alloc(0) });
    expect(answerOktaChallenge(scheme, d('okta-secret'))).toEqual({ verification: 'abc' });
    expect(answerOktaChallenge(scheme, d('wrong'))).toBeUndefined();
  });
});

describe('startup validation (fail closed)', () => {
  it('refuses a receiver without a secret with one clear line', () => {
    expect(() => assertSchemeConfigured('delinea-prod', undefined)).toThrow(/^connector delinea-prod: webhook receiver refuses to start: no verification scheme/);
    expect(() => assertSchemeConfigured('x', { kind: 'standard-webhooks', secrets: [] })).toThrow(/at least one whsec_/);
    expect(() => assertSchemeConfigured('x', { kind: 'standard-webhooks', secrets: ['whsec_AAAA'] })).toThrow(/fewer than 16 bytes/);
    expect(() => assertSchemeConfigured('x', { kind: 'shared-secret', in: 'header', name: 'x-s', secrets: [''] })).toThrow(/at least one secret/);
    expect(() => assertSchemeConfigured('x', { kind: 'basic', credentials: [{ username: 'u', password: '' }] })).toThrow(/password/);
    expect(() => assertSchemeConfigured('x', { kind: 'standard-webhooks', secrets: [secretA] })).not.toThrow();
  });
});
