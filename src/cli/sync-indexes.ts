/**
 * Makes the database's indexes match the schemas: `npm run db:indexes`. Creates what is
 * missing and drops indexes no schema declares any more (mongoose `syncIndexes`), collection by
 * collection, printing what changed. Production boots with autoIndex off, so run this before
 * (or while) deploying a version whose schemas changed. Uses MONGODB_URI, or the embedded
 * database's data folder when unset (stop the running dev server first).
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { AppModule } from '../app.module.js';

async function main(): Promise<void> {
  // Only the database is needed: no demo data, no schedules.
  Object.assign(process.env, { DEMO_DATA: 'false', TRACKING_SYNC_ENABLED: 'false' });
  let embedded: { stop(): Promise<void> } | undefined;
  if (!process.env.MONGODB_URI && process.env.NODE_ENV !== 'production') {
    // Development-only code, loaded only when the embedded database is wanted.
    const { EmbeddedDatabase } = await import('../dev/embedded/embedded-database.js');
    const { embeddedDbDir } = await import('../dev/embedded/embedded-dependencies.js');
    const db = await EmbeddedDatabase.start({ dataDir: embeddedDbDir() });
    process.env.MONGODB_URI = db.uriFor('docket');
    embedded = db;
  }
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    const connection = app.get<Connection>(getConnectionToken());
    for (const name of connection.modelNames()) {
      const model = connection.model(name);
      const dropped = await model.syncIndexes();
      const declared = model.schema.indexes().length;
      console.log(
        `${model.collection.collectionName}: ${declared} declared index(es) in place` +
          (dropped.length ? `; dropped ${dropped.join(', ')}` : ''),
      );
    }
  } finally {
    await app.close();
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`db:indexes failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
