import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signStandardWebhook, sendStandardWebhook, standardWebhookSecret } from './standard-webhooks.ts';
import { json, route, startFakeServer, type FakeServer } from './fake-server.ts';

// The specification's published example: secret, id, timestamp, payload and the expected signature.
const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SPEC_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const SPEC_TS = 1614265330;
const SPEC_BODY = '{"test": 2432232314}';

describe('Standard Webhooks sender', () => {
  it('signs as the specification example does', () => {
    expect(signStandardWebhook(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('space-separates signatures for several secrets (rotation)', () => {
    const other = standardWebhookSecret(Buffer.alloc(24, 7));
    const sig = signStandardWebhook([SPEC_SECRET, other], SPEC_ID, SPEC_TS, SPEC_BODY).split(' ');
    expect(sig).toHaveLength(2);
    const expected = createHmac('sha256', Buffer.alloc(24, 7)).update(`${SPEC_ID}.${SPEC_TS}.${SPEC_BODY}`).digest('base64');
    expect(sig[1]).toBe(`v1,${expected}`);
  });

  describe('delivery', () => {
    let server: FakeServer;
    beforeEach(async () => {
      server = await startFakeServer({ name: 'receiver', errorBody: (_s, m) => ({ m }), routes: [route('POST', '/hook', () => json(200, {}))] });
    });
    afterEach(() => server.close());

    it('posts the raw body with webhook-id, webhook-timestamp and webhook-signature headers', async () => {
      const res = await sendStandardWebhook(`${server.url}/hook`, { secret: SPEC_SECRET, id: SPEC_ID, timestamp: SPEC_TS, body: SPEC_BODY });
      expect(res.status).toBe(200);
      const c = server.calls.last()!;
      expect(c.rawBody).toBe(SPEC_BODY);
      expect(c.headers).toMatchObject({ 'webhook-id': SPEC_ID, 'webhook-timestamp': String(SPEC_TS), 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' });
    });

    it('can send an unsigned delivery for negative tests', async () => {
      await sendStandardWebhook(`${server.url}/hook`, { secret: SPEC_SECRET, id: 'x', body: { a: 1 }, signature: null });
      expect(server.calls.last()!.headers['webhook-signature']).toBeUndefined();
    });
  });
});
