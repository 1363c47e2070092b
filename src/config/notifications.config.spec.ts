import { afterEach, describe, expect, it } from 'vitest';
import { notificationsConfig } from './notifications.config.js';

const KEYS = [
  'NODE_ENV',
  'MONGODB_URI',
  'SEQUEL247_BASE_URL',
  'SMTP_URL',
  'EMAIL_ENABLED',
  'OUTBOX_RETENTION_HOURS',
];
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));

function load(env: Record<string, string>) {
  for (const key of KEYS) delete process.env[key];
  Object.assign(process.env, env);
  return notificationsConfig();
}

describe('notifications config', () => {
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('fails closed when production-like without SMTP_URL while email is on', () => {
    expect(() => load({ NODE_ENV: 'production' })).toThrow(
      /SMTP_URL=null: .*required because NODE_ENV=production/,
    );
    expect(() => load({ MONGODB_URI: 'mongodb://db.example.in/docket' })).toThrow(
      /SMTP_URL=null: .*required because MONGODB_URI is set/,
    );
    expect(load({ NODE_ENV: 'production', EMAIL_ENABLED: 'false' }).email.enabled).toBe(false);
    expect(
      load({ NODE_ENV: 'production', SMTP_URL: 'smtps://u:p@mail.example.in:465' }).email.smtpUrl,
    ).toBe('smtps://u:p@mail.example.in:465');
  });

  it('leaves SMTP_URL empty in the embedded demo (the dev sink is used)', () => {
    expect(load({ NODE_ENV: 'development' }).email.smtpUrl).toBeNull();
  });

  it('names a malformed SMTP_URL and a retention shorter than the 24 h replay window', () => {
    expect(() => load({ SMTP_URL: 'mail.example.in' })).toThrow(/SMTP_URL/);
    expect(() => load({ OUTBOX_RETENTION_HOURS: '12' })).toThrow(/OUTBOX_RETENTION_HOURS/);
  });
});
