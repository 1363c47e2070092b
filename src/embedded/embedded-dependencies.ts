import path from 'node:path';
import { EmbeddedFerretDb } from '../database/embedded-ferretdb.js';

export interface EmbeddedDependencies {
  /** What was started, for the boot log. */
  started: string[];
  stop(): Promise<void>;
}

/**
 * Outside production, a fresh clone runs with no setup: when MONGODB_URI is unset a local
 * FerretDB is started (data kept in ./.data/ so restarts keep orders). Production configures
 * real endpoints and nothing is spawned.
 */
export async function startEmbeddedDependencies(
  env: NodeJS.ProcessEnv = process.env,
): Promise<EmbeddedDependencies> {
  const started: string[] = [];
  const stops: Array<() => Promise<void>> = [];
  if (env.NODE_ENV === 'production') return { started, stop: () => Promise.resolve() };

  try {
    if (!env.MONGODB_URI) {
      const dataDir = path.resolve(env.EMBEDDED_DB_DIR || '.data/ferretdb');
      const db = await EmbeddedFerretDb.start({ dataDir });
      env.MONGODB_URI = db.uriFor('docket');
      stops.push(() => db.stop());
      started.push(`FerretDB at ${env.MONGODB_URI} (data in ${dataDir})`);
    }
  } catch (error) {
    await Promise.allSettled(stops.map((s) => s()));
    throw error;
  }

  return {
    started,
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
