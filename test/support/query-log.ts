import { appendFileSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { inject } from 'vitest';

/** One database call the app made through mongoose, as its debug hook reports it. */
export interface LoggedQuery {
  collection: string;
  method: string;
  args: unknown[];
}

type Listener = (query: LoggedQuery) => void;
const listeners = new Set<Listener>();

/** Calls `listener` for every mongoose call in this test file until the returned stop(). */
export function onQuery(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Plain JSON with ObjectIds, dates and regexes tagged, so the shape survives the log. */
function toJson(value: unknown): unknown {
  if (value instanceof mongoose.Types.ObjectId) return { $oid: String(value) };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (value instanceof RegExp) return { $regex: value.source };
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}

/**
 * The e2e setup file: every call the app makes through mongoose in this worker is appended to
 * the run's query log (one JSON line each) for the index-coverage check at the end of the run
 * (see index-coverage.ts), and passed to listeners (tests counting queries).
 */
export function installQueryLog(): void {
  const dir = inject('queryLogDir');
  const file = path.join(dir, `${process.pid}.jsonl`);
  mongoose.set('debug', (collection: string, method: string, ...args: unknown[]) => {
    const query = { collection, method, args };
    for (const listener of listeners) listener(query);
    try {
      appendFileSync(file, JSON.stringify(toJson(query)) + '\n');
    } catch {
      // A query from a test file's teardown after the run's folder is gone: nothing to check.
    }
  });
}
