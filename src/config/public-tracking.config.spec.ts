import { afterEach, describe, expect, it } from 'vitest';
import { publicTrackingConfig } from './public-tracking.config.js';
import { webhooksConfig } from './webhooks.config.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

function withEnv<T>(env: Record<string, string | undefined>, read: () => T): T {
  process.env = { ...saved, NODE_ENV: 'development', ...env };
  // Nothing real configured (the embedded demo) unless the case sets it.
  for (const key of ['MONGODB_URI', 'SEQUEL247_BASE_URL'])
    if (!(key in env)) delete process.env[key];
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
  return read();
}

describe('public tracking config', () => {
  it('fails closed in production without a link secret or a public URL template', () => {
    expect(() =>
      withEnv({ NODE_ENV: 'production', PUBLIC_TRACKING_SECRET: undefined }, publicTrackingConfig),
    ).toThrow(/PUBLIC_TRACKING_SECRET/);
    expect(() =>
      withEnv(
        {
          NODE_ENV: 'production',
          PUBLIC_TRACKING_SECRET: 'x'.repeat(40),
          PUBLIC_TRACKING_URL_TEMPLATE: undefined,
        },
        publicTrackingConfig,
      ),
    ).toThrow(/PUBLIC_TRACKING_URL_TEMPLATE/);
    expect(() =>
      withEnv(
        { MONGODB_URI: 'mongodb://db.example.in/docket', PUBLIC_TRACKING_SECRET: undefined },
        publicTrackingConfig,
      ),
    ).toThrow(/PUBLIC_TRACKING_SECRET=null: .*required because MONGODB_URI is set/);
  });

  it('refuses a template without {token} and a short secret', () => {
    expect(() =>
      withEnv(
        { PUBLIC_TRACKING_URL_TEMPLATE: 'https://shop.example.in/track' },
        publicTrackingConfig,
      ),
    ).toThrow(/\{token\}/);
    expect(() => withEnv({ PUBLIC_TRACKING_SECRET: 'short' }, publicTrackingConfig)).toThrow(
      /at least 32/,
    );
  });

  it('defaults to this app’s own page in the embedded demo', () => {
    const config = withEnv(
      { PORT: '3450', PUBLIC_TRACKING_URL_TEMPLATE: undefined, PUBLIC_TRACKING_SECRET: undefined },
      publicTrackingConfig,
    );
    expect(config.urlTemplate).toBe('http://localhost:3450/track/t/{token}');
    expect(config.linkTtlDays).toBe(90);
  });
});

describe('webhooks config', () => {
  it('never allows private or plain-http targets in production', () => {
    expect(() =>
      withEnv({ NODE_ENV: 'production', WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true' }, webhooksConfig),
    ).toThrow(/WEBHOOKS_ALLOW_PRIVATE_TARGETS/);
    expect(withEnv({ NODE_ENV: 'production' }, webhooksConfig).allowPrivateTargets).toBe(false);
    expect(
      withEnv({ MONGODB_URI: 'mongodb://db.example.in/docket' }, webhooksConfig)
        .allowPrivateTargets,
    ).toBe(false);
    expect(withEnv({ NODE_ENV: 'development' }, webhooksConfig).allowPrivateTargets).toBe(true);
  });

  it('defaults to a 10 s timeout, 24 h of retries and disabling after 5 days', () => {
    const config = withEnv({}, webhooksConfig);
    expect(config).toMatchObject({
      timeoutMs: 10_000,
      retryWindowMs: 24 * 3600_000,
      disableAfterMs: 5 * 24 * 3600_000,
    });
  });
});
