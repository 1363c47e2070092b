import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { EmbeddedFerretDb } from '../../src/database/embedded-ferretdb.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URI of the run's FerretDB; each test file uses its own database on it. */
    mongoBaseUri: string;
  }
}

/**
 * One FerretDB per test run, in a fresh temp folder that is removed afterwards. With
 * FERRETDB_POSTGRESQL_URL (an existing, empty PostgreSQL database) it stores there instead of
 * SQLite; the benchmarks use that to measure concurrent writes (see README, Benchmarks).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'docket-test-db-'));
  const postgresqlUrl = process.env.FERRETDB_POSTGRESQL_URL || undefined;
  const db = await EmbeddedFerretDb.start({ dataDir, postgresqlUrl });
  project.provide('mongoBaseUri', db.uri);
  return async () => {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
