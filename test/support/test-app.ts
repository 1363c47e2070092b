import { randomBytes } from 'node:crypto';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import mongoose from 'mongoose';
import request from 'supertest';
import { inject } from 'vitest';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';

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

export const BASE_TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DEMO_DATA: 'false',
  TRACKING_SYNC_ENABLED: 'false',
  // Exact poll intervals, so tests can assert them.
  TRACKING_POLL_SPREAD_PERCENT: '0',
  // Tests register many users from one IP; the rate-limit test sets its own low limit.
  AUTH_RATE_LIMIT: '100000',
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
  } = {},
): Promise<TestApp> {
  const databaseName = options.databaseName ?? uniqueDatabaseName();
  const base = (options.mongoBaseUri ?? inject('mongoBaseUri')).replace(/\/$/, '');
  const uri = `${base}/${databaseName}`;
  Object.assign(process.env, BASE_TEST_ENV, { MONGODB_URI: uri }, options.env ?? {});

  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
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
