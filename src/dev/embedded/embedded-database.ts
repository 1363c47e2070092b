import path from 'node:path';
import { EmbeddedFerretDb } from './embedded-ferretdb.js';
import { EmbeddedPostgres } from './embedded-postgres.js';
import { installGinMirror } from './ferretdb-gin-indexes.js';

export interface EmbeddedDatabaseOptions {
  /** PostgreSQL's cluster folder (created and initialised when empty). */
  dataDir: string;
  /** See EmbeddedPostgresOptions.durable: false for throw-away test and benchmark data. */
  durable?: boolean;
  ferretLogLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/**
 * FerretDB v1.24 over an embedded PostgreSQL 16: the MongoDB-compatible database development,
 * tests and benchmarks run on. PostgreSQL starts first (with the GIN index mirror installed),
 * then FerretDB stores in its `docket` database; each MongoDB database is a PostgreSQL schema.
 */
export class EmbeddedDatabase {
  private constructor(
    private pg: EmbeddedPostgres,
    readonly ferretdb: EmbeddedFerretDb,
  ) {}

  get postgres(): EmbeddedPostgres {
    return this.pg;
  }

  /**
   * Stops PostgreSQL under a running FerretDB and starts it again on the same port and data
   * (a fault test's "database restarted"); `whileDown` runs in between.
   */
  async restartPostgres(whileDown: () => Promise<void> = () => Promise.resolve()): Promise<void> {
    await this.pg.stop();
    await whileDown();
    this.pg = await this.pg.restart();
  }

  /** Base MongoDB connection string, e.g. `mongodb://127.0.0.1:41234/`. */
  get uri(): string {
    return this.ferretdb.uri;
  }

  uriFor(database: string): string {
    return this.ferretdb.uriFor(database);
  }

  static async start(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
    const postgres = await EmbeddedPostgres.start({
      dataDir: path.resolve(options.dataDir),
      durable: options.durable,
    });
    try {
      const client = postgres.client();
      await client.connect();
      try {
        await installGinMirror(client);
      } finally {
        await client.end();
      }
      const ferretdb = await EmbeddedFerretDb.start({
        postgresqlUrl: postgres.url(),
        logLevel: options.ferretLogLevel,
      });
      return new EmbeddedDatabase(postgres, ferretdb);
    } catch (error) {
      await postgres.stop();
      throw error;
    }
  }

  /** FerretDB first (it holds PostgreSQL connections), then PostgreSQL. */
  async stop(): Promise<void> {
    try {
      await this.ferretdb.stop();
    } finally {
      await this.postgres.stop();
    }
  }
}
