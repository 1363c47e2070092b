import { mongo } from 'mongoose';

/** MongoDB's (and FerretDB's) code for an insert or upsert that collides with a unique index. */
export const DUPLICATE_KEY_CODE = 11000;

/**
 * Whether an insert or upsert failed on a unique index. On FerretDB v1 only inserts and upserts
 * report this code; a colliding update fails with InternalError (see MONGODB-PORTABILITY.md),
 * so detect conflicts by inserting.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  return error instanceof mongo.MongoServerError && error.code === DUPLICATE_KEY_CODE;
}

/**
 * For an unordered `insertMany` that failed: the indexes (in the attempted array) of the
 * documents that collided with a unique index, when every failure was a duplicate key (the rest
 * were stored). Rethrows anything else.
 */
export function duplicateInsertIndexes(error: unknown): Set<number> {
  if (!(error instanceof mongo.MongoBulkWriteError)) throw error;
  const raw: unknown = error.writeErrors;
  const failures = (Array.isArray(raw) ? raw : [raw]) as Array<{ code?: number; index?: number }>;
  if (failures.some((f) => f.code !== DUPLICATE_KEY_CODE || typeof f.index !== 'number')) {
    throw error;
  }
  return new Set(failures.map((f) => f.index as number));
}

/**
 * For an unordered `insertMany` that failed: how many of `attempted` documents were inserted,
 * when every failure was a duplicate key (the rest were stored anyway). Rethrows anything else.
 */
export function insertedDespiteDuplicates(error: unknown, attempted: number): number {
  return attempted - duplicateInsertIndexes(error).size;
}
