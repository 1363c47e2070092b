import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../src/app.module.js';
import { EmbeddedDatabase } from '../src/dev/embedded/embedded-database.js';
import { BASE_TEST_ENV, createTestApp, TestApp } from './support/test-app.js';

describe('app shell', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { BODY_LIMIT: '1kb' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports the database as up on GET /api/health', async () => {
    const res = await t.http().get('/api/health').expect(200);
    expect(res.body.success).toBe(true);
    expect(res.body.data.status).toBe('ok');
    expect(res.body.data.database.status).toBe('up');
  });

  it('answers an unknown route with 404 in the error envelope', async () => {
    const res = await t.http().get('/api/no-such-route').expect(404);
    expect(res.body).toEqual({
      success: false,
      error: { code: 'NOT_FOUND', message: 'Cannot GET /api/no-such-route' },
    });
  });

  it('answers a malformed JSON body with 400 in the error envelope, without a stack trace', async () => {
    const res = await t
      .http()
      .post('/api/health')
      .set('content-type', 'application/json')
      .send('{"items": [')
      .expect(400);
    expect(res.body.success).toBe(false);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('rejects a body over the configured limit with 413', async () => {
    const res = await t
      .http()
      .post('/api/health')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ padding: 'x'.repeat(2048) }))
      .expect(413);
    expect(res.body.success).toBe(false);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('sets security headers and echoes a request id', async () => {
    const res = await t.http().get('/api/health').set('x-request-id', 'abc-123').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-request-id']).toBe('abc-123');
  });

  it('serves the OpenAPI document with bearer auth declared', async () => {
    const res = await t.http().get('/api/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });
});

describe('health when the database goes away', () => {
  let dataDir: string;
  let db: EmbeddedDatabase;
  let t: TestApp;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'docket-health-'));
    db = await EmbeddedDatabase.start({ dataDir, durable: false });
    t = await createTestApp({ mongoBaseUri: db.uri });
  });
  afterAll(async () => {
    await t.close().catch(() => undefined);
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('returns 503 naming the database once it is stopped', async () => {
    await t.http().get('/api/health').expect(200);
    await db.stop();
    const res = await t.http().get('/api/health').expect(503);
    expect(res.body.success).toBe(false);
    expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(res.body.error.details.database.status).toBe('down');
  });
});

describe('configuration validated at boot', () => {
  async function bootWith(env: Record<string, string>): Promise<unknown> {
    const saved = { ...process.env };
    Object.assign(process.env, BASE_TEST_ENV, { MONGODB_URI: 'mongodb://127.0.0.1:1/x' }, env);
    try {
      const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
      await moduleRef.close();
      return undefined;
    } catch (error) {
      return error;
    } finally {
      process.env = saved;
    }
  }

  it('fails naming PORT when it is not a number', async () => {
    const error = await bootWith({ PORT: 'eighty' });
    expect(String(error)).toMatch(/PORT="eighty"/);
  });

  it('fails naming MONGODB_URI when it is not a mongodb URI', async () => {
    const error = await bootWith({ MONGODB_URI: 'postgres://localhost/x' });
    expect(String(error)).toMatch(/MONGODB_URI/);
  });

  it('refuses production without a strong JWT_SECRET', async () => {
    const error = await bootWith({ NODE_ENV: 'production', JWT_SECRET: 'short' });
    expect(String(error)).toMatch(/JWT_SECRET/);
  });
});
