import { randomBytes } from 'node:crypto';
import type { Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import mongoose from 'mongoose';
import request from 'supertest';
import { inject } from 'vitest';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { clearSelfStarted, markSelfStarted } from '../../src/config/deployment-mode.js';

export interface TestApp {
  app: NestExpressApplication;
  /** supertest bound to the app's HTTP server. */
  http: () => ReturnType<typeof request>;
  /** A direct connection to this test file's database, for asserting stored state. */
  db: mongoose.mongo.Db;
  databaseName: string;
  close(): Promise<void>;
}

/** A database name unique to this test file (and process). */
export function uniqueDatabaseName(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** A well-formed Sequel247 token that is not the sandbox's: tests run with production-like settings. */
export const TEST_SEQUEL247_TOKEN = 'feedfacecafebeef0123456789abcdef';

/**
 * Tests point the app at a database of their own (MONGODB_URI), so they boot with
 * production-like settings, as a deployment does: a JWT secret and a courier of their own.
 * Tests that talk to the courier start a sandbox accepting TEST_SEQUEL247_TOKEN and override
 * SEQUEL247_BASE_URL; the rest point at a closed loopback port.
 */
export const BASE_TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  JWT_SECRET: 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz',
  SEQUEL247_BASE_URL: 'http://127.0.0.1:9',
  SEQUEL247_TOKEN: TEST_SEQUEL247_TOKEN,
  LOG_LEVEL: 'silent',
  DEMO_DATA: 'false',
  TRACKING_SYNC_ENABLED: 'false',
  // Exact poll intervals, so tests can assert them.
  TRACKING_POLL_SPREAD_PERCENT: '0',
  // Tests register many users from one IP; the rate-limit test sets its own low limit.
  AUTH_RATE_LIMIT: '100000',
  // Notifications, production-like: tests that check email turn it on with their own SMTP sink.
  EMAIL_ENABLED: 'false',
  PUBLIC_TRACKING_SECRET: 'test-tracking-link-secret-0123456789-abcdefghij',
  PUBLIC_TRACKING_URL_TEMPLATE: 'http://localhost:3000/track/t/{token}',
  // Webhook receivers in tests listen on loopback.
  WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
};

/**
 * Boots the real AppModule with the production HTTP setup against this file's own database
 * on the run's FerretDB. `env` overrides variables for this app.
 */
export async function createTestApp(
  options: {
    env?: Record<string, string>;
    mongoBaseUri?: string;
    /** Share another app's database (a second instance); default: a database of its own. */
    databaseName?: string;
    /**
     * Boot as the embedded demo does (src/main.ts): the database and courier count as started
     * by the dev launcher, so development defaults apply, and these dev modules are added.
     */
    embeddedDemo?: { devModules: Type[] };
  } = {},
): Promise<TestApp> {
  const databaseName = options.databaseName ?? uniqueDatabaseName();
  const base = (options.mongoBaseUri ?? inject('mongoBaseUri')).replace(/\/$/, '');
  const uri = `${base}/${databaseName}`;
  Object.assign(process.env, BASE_TEST_ENV, { MONGODB_URI: uri }, options.env ?? {});
  clearSelfStarted();
  if (options.embeddedDemo) {
    // The demo runs on the development secret unless the test sets one.
    if (!options.env?.JWT_SECRET) delete process.env.JWT_SECRET;
    markSelfStarted('database', 'courier');
  }

  const root = options.embeddedDemo
    ? AppModule.withDevModules(options.embeddedDemo.devModules)
    : AppModule;
  const moduleRef = await Test.createTestingModule({ imports: [root] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true });
  configureApp(app);
  await app.init();

  const client = new mongoose.mongo.MongoClient(uri);
  await client.connect();
  const db = client.db(databaseName);

  return {
    app,
    http: () => request(app.getHttpServer()),
    db,
    databaseName,
    close: async () => {
      await app.close();
      await client.close();
    },
  };
}
