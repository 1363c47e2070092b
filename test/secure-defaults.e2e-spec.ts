import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigModule } from '@nestjs/config';
import { checkConfiguration, configNamespaces } from '../src/config/index.js';
import { DEV_JWT_SECRET } from '../src/config/auth.config.js';
import { clearSelfStarted } from '../src/config/deployment-mode.js';
import { SANDBOX_TOKEN } from '../src/config/sequel247.config.js';
import { EmbeddedDatabase } from '../src/dev/embedded/embedded-database.js';
import { createTestApp, TestApp } from './support/test-app.js';

/** Production-like settings that boot: every variable a deployment must set. */
const PRODUCTION_ENV: Record<string, string> = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://127.0.0.1:9/docket',
  JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
  SEQUEL247_BASE_URL: 'https://sequel247.example.in',
  SEQUEL247_TOKEN: 'feedfacecafebeef0123456789abcdef',
  SMTP_URL: 'smtps://docket:secret@smtp.example.in:465',
  PUBLIC_TRACKING_SECRET: 'a-production-link-secret-of-at-least-32-chars',
  PUBLIC_TRACKING_URL_TEMPLATE: 'https://shop.example.in/track/{token}',
  LOG_LEVEL: 'silent',
  TRACKING_SYNC_ENABLED: 'false',
};

const CONFIG_VARIABLES = [
  'NODE_ENV',
  'MONGODB_URI',
  'JWT_SECRET',
  'JWT_EXPIRES_IN',
  'SEQUEL247_BASE_URL',
  'SEQUEL247_TOKEN',
  'DEMO_DATA',
  'EMAIL_ENABLED',
  'SMTP_URL',
  'PUBLIC_TRACKING_SECRET',
  'PUBLIC_TRACKING_URL_TEMPLATE',
  'WEBHOOKS_ALLOW_PRIVATE_TARGETS',
];

/**
 * Loads every config namespace the way a boot does, with exactly `env` (nothing inherited from
 * this process) and nothing self-started; returns the boot error or null.
 */
async function bootError(env: Record<string, string>): Promise<string | null> {
  const saved = { ...process.env };
  for (const name of CONFIG_VARIABLES) delete process.env[name];
  Object.assign(process.env, { LOG_LEVEL: 'silent', TRACKING_SYNC_ENABLED: 'false' }, env);
  clearSelfStarted();
  try {
    // The config namespaces exactly as AppModule loads them, first thing at boot.
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot({ load: configNamespaces, ignoreEnvFile: true })],
    }).compile();
    await moduleRef.close();
    return null;
  } catch (error) {
    return String(error);
  } finally {
    process.env = saved;
  }
}

describe('fail closed: production-like settings refuse development defaults at boot', () => {
  it('boots with every production variable set', async () => {
    expect(await bootError(PRODUCTION_ENV)).toBeNull();
  });

  it.each([
    ['NODE_ENV=production', { NODE_ENV: 'production' }],
    ['MONGODB_URI is set', { MONGODB_URI: PRODUCTION_ENV.MONGODB_URI }],
    ['SEQUEL247_BASE_URL is set', { SEQUEL247_BASE_URL: PRODUCTION_ENV.SEQUEL247_BASE_URL }],
  ])('refuses the development JWT secret when %s, naming JWT_SECRET', async (reason, trigger) => {
    const withoutSecret = { ...PRODUCTION_ENV, NODE_ENV: 'development', ...trigger };
    delete (withoutSecret as Record<string, string>).JWT_SECRET;
    // Unset and the built-in development secret are both refused.
    for (const env of [withoutSecret, { ...withoutSecret, JWT_SECRET: DEV_JWT_SECRET }]) {
      const error = await bootError(env);
      expect(error).toMatch(/JWT_SECRET/);
      expect(error).toContain(reason);
    }
  });

  it.each([['SMTP_URL'], ['PUBLIC_TRACKING_SECRET'], ['PUBLIC_TRACKING_URL_TEMPLATE']])(
    'refuses to boot production-like without %s, naming it',
    async (name) => {
      const env = { ...PRODUCTION_ENV, NODE_ENV: 'development' } as Record<string, string>;
      delete env[name];
      const error = await bootError(env);
      expect(error).toMatch(new RegExp(`${name}=null: .*required because MONGODB_URI is set`));
    },
  );

  it('needs no SMTP server when customer email is off', async () => {
    const env = { ...PRODUCTION_ENV, EMAIL_ENABLED: 'false' } as Record<string, string>;
    delete env.SMTP_URL;
    expect(await bootError(env)).toBeNull();
  });

  it('does not need NODE_ENV: a real database alone switches the development defaults off', async () => {
    const env = { ...PRODUCTION_ENV };
    delete (env as Record<string, string>).NODE_ENV;
    expect(await bootError(env)).toBeNull();
    const withoutSecret = { ...env } as Record<string, string>;
    delete withoutSecret.JWT_SECRET;
    expect(await bootError(withoutSecret)).toMatch(/JWT_SECRET.*MONGODB_URI is set/s);
  });

  it('refuses the sandbox token, naming SEQUEL247_TOKEN', async () => {
    const error = await bootError({ ...PRODUCTION_ENV, SEQUEL247_TOKEN: SANDBOX_TOKEN });
    expect(error).toMatch(/SEQUEL247_TOKEN: the sandbox token cannot be used/);
  });

  it('refuses demo accounts, naming DEMO_DATA', async () => {
    expect(await bootError({ ...PRODUCTION_ENV, DEMO_DATA: 'true' })).toMatch(/DEMO_DATA/);
  });

  it.each(['MONGODB_URI', 'SEQUEL247_BASE_URL', 'SEQUEL247_TOKEN'])(
    'names %s when a production-like boot lacks it',
    async (name) => {
      const env = { ...PRODUCTION_ENV } as Record<string, string>;
      delete env[name];
      expect(await bootError(env)).toMatch(new RegExp(`${name}=null`));
    },
  );

  it('caps the token lifetime at boot, naming JWT_EXPIRES_IN', async () => {
    expect(await bootError({ ...PRODUCTION_ENV, JWT_EXPIRES_IN: '30d' })).toMatch(
      /JWT_EXPIRES_IN="30d"/,
    );
    expect(await bootError({ ...PRODUCTION_ENV, JWT_EXPIRES_IN: '24h' })).toBeNull();
  });

  it('names every missing variable at once before main.ts starts anything', () => {
    const saved = { ...process.env };
    for (const name of CONFIG_VARIABLES) delete process.env[name];
    process.env.NODE_ENV = 'production';
    try {
      expect(() => checkConfiguration()).toThrow(
        /MONGODB_URI=null[\s\S]*JWT_SECRET=null[\s\S]*SEQUEL247_BASE_URL=null[\s\S]*SEQUEL247_TOKEN=null/,
      );
    } finally {
      process.env = saved;
    }
  });

  it('leaves the development defaults on when nothing is configured (the embedded demo)', async () => {
    expect(await bootError({})).toBeNull();
    expect(await bootError({ NODE_ENV: 'development' })).toBeNull();
  });
});

describe('no internal detail reaches an anonymous client', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp({ env: { BODY_LIMIT: '1kb' } });
    await new Promise<void>((resolve) => t.app.getHttpServer().listen(0, '127.0.0.1', resolve));
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Sends raw bytes and returns the raw response. */
  function raw(request: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
      socket.write(request);
    });
  }

  function parse(response: string): { status: number; type: string; body: unknown } {
    const [head, body] = response.split('\r\n\r\n');
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
    const type = /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '';
    return { status, type, body: JSON.parse(body) };
  }

  it('answers headers over Node’s size limit with 431 in the error envelope', async () => {
    const res = parse(
      await raw(`GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
    );
    expect(res.status).toBe(431);
    expect(res.type).toMatch(/application\/json/);
    expect(res.body).toEqual({
      success: false,
      error: { code: 'HEADERS_TOO_LARGE', message: 'Request headers (or URL) are too large' },
    });
  });

  it('answers an unparseable request line with 400 in the error envelope', async () => {
    const res = parse(await raw('THIS IS NOT HTTP\r\n\r\n'));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      success: false,
      error: { code: 'BAD_REQUEST', message: 'Malformed HTTP request' },
    });
  });

  it('answers a body over the limit with 413 in the error envelope', async () => {
    const res = await t
      .http()
      .post('/api/auth/login')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ email: 'x'.repeat(2048) }))
      .expect(413);
    expect(res.body).toEqual({
      success: false,
      error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' },
    });
  });
});

describe('health when the database is down', () => {
  let dataDir: string;
  let db: EmbeddedDatabase;
  let t: TestApp;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'docket-health-echo-'));
    db = await EmbeddedDatabase.start({ dataDir, durable: false });
    t = await createTestApp({ mongoBaseUri: db.uri });
  });
  afterAll(async () => {
    await t.close().catch(() => undefined);
    await db.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says only that it is down: no driver message, host or port', async () => {
    await db.stop();
    const res = await t.http().get('/api/health').expect(503);
    expect(res.body).toEqual({
      success: false,
      error: {
        code: 'SERVICE_UNAVAILABLE',
        message: 'Database is unreachable',
        details: { database: { status: 'down' } },
      },
    });
  });
});
