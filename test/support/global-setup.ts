import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { EmbeddedDatabase } from '../../src/dev/embedded/embedded-database.js';
import { assertQueriesCovered } from './index-coverage.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URI of the run's FerretDB; each test file uses its own database on it. */
    mongoBaseUri: string;
    /** URL of the PostgreSQL database FerretDB stores in (each MongoDB database is a schema). */
    postgresUrl: string;
    /** Folder of this run's query logs (test/support/query-log.ts). */
    queryLogDir: string;
  }
}

/**
 * One embedded PostgreSQL + FerretDB per test run, its cluster in a fresh temp folder that is
 * removed afterwards. Each test file then works in a database of its own (uniqueDatabaseName).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'docket-test-pg-'));
  const queryLogDir = mkdtempSync(path.join(tmpdir(), 'docket-test-queries-'));
  let db: EmbeddedDatabase;
  try {
    db = await EmbeddedDatabase.start({ dataDir, durable: false });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(queryLogDir, { recursive: true, force: true });
    throw error;
  }
  project.provide('mongoBaseUri', db.uri);
  project.provide('postgresUrl', db.postgres.url());
  project.provide('queryLogDir', queryLogDir);
  return async () => {
    try {
      await db.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    try {
      // Every query the e2e run made must be served by an index the schemas declare.
      if (project.name === 'e2e') await assertQueriesCovered(queryLogDir);
    } catch (error) {
      // A teardown error alone would not fail the run: make it fail.
      console.error(String(error));
      process.exitCode = 1;
      throw error;
    } finally {
      rmSync(queryLogDir, { recursive: true, force: true });
    }
  };
}
