import { describe, expect, it } from 'vitest';
import {
  checkWebhookTarget,
  checkWebhookUrl,
  isPublicAddress,
  WebhookTargetRefusedError,
} from './webhook-target.guard.js';

const production = { allowPrivate: false };
const development = { allowPrivate: true };

describe('webhook target guard', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
  ])('treats %s as non-public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'treats %s as public',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );

  it('refuses http in production and accepts it in development', () => {
    expect(() => checkWebhookUrl('http://example.com/hook', production)).toThrow(/https/);
    expect(checkWebhookUrl('http://127.0.0.1:4698/hook', development).port).toBe('4698');
  });

  it('refuses IP-literal private, loopback and link-local targets in production', () => {
    for (const url of [
      'https://127.0.0.1/hook',
      'https://10.0.0.5/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hook',
    ]) {
      expect(() => checkWebhookUrl(url, production), url).toThrow(WebhookTargetRefusedError);
    }
  });

  it('refuses non-http schemes, credentials and garbage', () => {
    expect(() => checkWebhookUrl('ftp://example.com/x', development)).toThrow(/https/);
    expect(() => checkWebhookUrl('https://user:pw@example.com/x', development)).toThrow(
      /credentials/,
    );
    expect(() => checkWebhookUrl('not a url', development)).toThrow(/absolute/);
  });

  it('resolves host names in production and refuses one that resolves to loopback', async () => {
    await expect(checkWebhookTarget('https://localhost/hook', production)).rejects.toThrow(
      /non-public address/,
    );
  });
});
