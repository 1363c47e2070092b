import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook } from './webhook-signer.js';

describe('signWebhook', () => {
  const body = JSON.stringify({
    type: 'order.created',
    data: { orderNumber: 'DKT-261201-ABCDEF' },
  });

  it('produces signatures the standardwebhooks reference library accepts', () => {
    const secret = generateWebhookSecret();
    const ts = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(ts),
      'webhook-signature': signWebhook('msg_1', ts, body, [secret]),
    };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('matches the reference implementation byte for byte', () => {
    const secret = generateWebhookSecret();
    const at = new Date('2026-12-01T10:00:00Z');
    expect(signWebhook('msg_2', at.getTime() / 1000, body, [secret])).toBe(
      new Webhook(secret).sign('msg_2', at, body),
    );
  });

  it('signs with every given secret so either verifies during a rotation', () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const ts = Math.floor(Date.now() / 1000);
    const signature = signWebhook('msg_3', ts, body, [current, previous]);
    expect(signature.split(' ')).toHaveLength(2);
    const headers = {
      'webhook-id': 'msg_3',
      'webhook-timestamp': String(ts),
      'webhook-signature': signature,
    };
    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('fails verification when the body is altered', () => {
    const secret = generateWebhookSecret();
    const ts = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'msg_4',
      'webhook-timestamp': String(ts),
      'webhook-signature': signWebhook('msg_4', ts, body, [secret]),
    };
    expect(() => new Webhook(secret).verify(body.replace('created', 'deleted'), headers)).toThrow();
  });

  it('generates whsec_ secrets of 32 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });
});
