import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import mongoose from 'mongoose';
import type { LoggedQuery } from './query-log.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type IndexKeys = Array<[field: string, direction: 1 | -1]>;

export interface DeclaredIndex {
  collection: string;
  keys: IndexKeys;
}

/** What an index has to serve for one query: its filter and its sort. */
export interface QueryShape {
  collection: string;
  method: string;
  filter: Record<string, unknown>;
  sort: Record<string, 1 | -1>;
}

/**
 * Queries that read a whole collection on purpose, each with its reason (README lists them).
 * Matched by collection, method and filter keys.
 */
export const INTENTIONAL_SCANS: Array<{
  collection: string;
  method: string;
  filterKeys: string[];
  reason: string;
}> = [
  {
    collection: 'orders',
    method: 'find',
    filterKeys: [],
    reason:
      'boot-time repair of missing order summaries and snapshots reads every order once (a cursor)',
  },
  {
    collection: 'order_summaries',
    method: 'find',
    filterKeys: ['rev'],
    reason: 'boot-time backfill of summaries stored before `rev` existed (once; a no-op after)',
  },
  {
    collection: 'outbox',
    method: 'distinct',
    filterKeys: [],
    reason:
      'boot-time backfill of the outbox bucket directory, only while it is empty and the outbox is not',
  },
  {
    collection: 'products',
    method: 'countDocuments',
    filterKeys: ['$or'],
    reason: 'catalogue search by name or SKU substring: a regex uses no index (a small collection)',
  },
  {
    collection: 'users',
    method: 'countDocuments',
    filterKeys: ['$or'],
    reason: 'admin user search by email or name substring: a regex uses no index',
  },
];

/** Every index the app's schemas declare (plus `_id`), from src/**\/*.schema.ts. */
export async function declaredIndexes(): Promise<DeclaredIndex[]> {
  const files = (function walk(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? walk(path.join(dir, e.name))
        : e.name.endsWith('.schema.ts')
          ? [path.join(dir, e.name)]
          : [],
    );
  })(path.join(projectRoot, 'src'));
  const result: DeclaredIndex[] = [];
  for (const file of files) {
    const exported = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const value of Object.values(exported)) {
      if (!(value instanceof mongoose.Schema)) continue;
      const collection: unknown = value.get('collection');
      if (typeof collection !== 'string') continue; // a subdocument schema
      result.push({ collection, keys: [['_id', 1]] });
      for (const [fields] of value.indexes()) {
        result.push({
          collection,
          keys: Object.entries(fields).map(([f, d]) => [f, Number(d) < 0 ? -1 : 1]),
        });
      }
    }
  }
  return result;
}

const isOperatorObject = (v: unknown): v is Record<string, unknown> =>
  !!v &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  Object.keys(v).length > 0 &&
  Object.keys(v).every((k) => k.startsWith('$')) &&
  !('$oid' in v) &&
  !('$date' in v);

/** Keys matched by equality (or `$in`, one index range per value), and keys matched by range. */
export function splitFilter(filter: Record<string, unknown>): {
  equality: string[];
  range: string[];
} {
  const equality: string[] = [];
  const range: string[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$')) continue; // $or/$and/$comment: not used for the prefix
    if (!isOperatorObject(value)) equality.push(key);
    else if ('$eq' in value || '$in' in value) equality.push(key);
    else range.push(key);
  }
  return { equality, range };
}

/**
 * Whether `index` serves the query by the usual prefix rule: the index starts with equality
 * keys of the filter; if the query sorts, the index continues with exactly the sort's keys (all
 * in its directions or all reversed); otherwise, or after the sort, a range key may follow.
 * The index must be used at all: at least one equality key, or the sort, or a leading range.
 */
export function serves(index: IndexKeys, shape: QueryShape): boolean {
  const { equality, range } = splitFilter(shape.filter);
  let i = 0;
  while (i < index.length && equality.includes(index[i][0])) i++;
  const prefix = i;
  const sort = Object.entries(shape.sort);
  if (sort.length > 0) {
    if (index.length - i < sort.length) return false;
    const sameWay = sort.every(([f, d], k) => index[i + k][0] === f && index[i + k][1] === d);
    const reversed = sort.every(([f, d], k) => index[i + k][0] === f && index[i + k][1] === -d);
    return sameWay || reversed;
  }
  if (prefix > 0) return true;
  return index.length > 0 && range.includes(index[0][0]);
}

/** The filters and sorts of one logged call (none for inserts and index management). */
export function shapesOf(query: LoggedQuery): QueryShape[] {
  const { collection, method, args } = query;
  const shape = (filter: unknown, sort?: unknown): QueryShape => ({
    collection,
    method,
    filter: (filter ?? {}) as Record<string, unknown>,
    sort: (sort ?? {}) as Record<string, 1 | -1>,
  });
  const options = (i: number) => (args[i] ?? {}) as { sort?: unknown };
  switch (method) {
    case 'find':
    case 'findOne':
      return [shape(args[0], options(1).sort ?? options(2).sort)];
    case 'countDocuments':
    case 'deleteOne':
    case 'deleteMany':
    case 'distinct':
      return [shape(method === 'distinct' ? args[1] : args[0])];
    case 'updateOne':
    case 'updateMany':
    case 'replaceOne':
    case 'findOneAndUpdate':
    case 'findOneAndReplace':
    case 'findOneAndDelete':
      return [shape(args[0], options(method === 'findOneAndDelete' ? 1 : 2).sort)];
    case 'bulkWrite':
      return ((args[0] ?? []) as Array<Record<string, { filter?: unknown }>>).flatMap((op) =>
        Object.entries(op)
          .filter(([kind]) => kind !== 'insertOne')
          .map(([kind, body]) => ({ ...shape(body.filter), method: `bulkWrite.${kind}` })),
      );
    case 'aggregate': {
      const pipeline = (args[0] ?? []) as Array<Record<string, unknown>>;
      const match = pipeline.find((s) => '$match' in s)?.$match;
      const sort = pipeline.find((s) => '$sort' in s)?.$sort;
      return [shape(match, sort)];
    }
    default:
      return []; // inserts, index management, estimatedDocumentCount
  }
}

export interface CoverageReport {
  checked: number;
  covered: Array<{ shape: string; index: string }>;
  scans: Array<{ shape: string; reason: string }>;
  uncovered: string[];
}

function describe(shape: QueryShape): string {
  const { equality, range } = splitFilter(shape.filter);
  const sort = Object.entries(shape.sort)
    .map(([f, d]) => `${f}:${d}`)
    .join(',');
  return `${shape.collection}.${shape.method} eq[${equality.join(',')}] range[${range.join(',')}] sort[${sort}]`;
}

export function checkCoverage(queries: LoggedQuery[], indexes: DeclaredIndex[]): CoverageReport {
  const covered = new Map<string, string>();
  const scans = new Map<string, string>();
  const uncovered = new Set<string>();
  let checked = 0;
  for (const query of queries) {
    for (const shape of shapesOf(query)) {
      checked += 1;
      const name = describe(shape);
      if (
        shape.method === 'countDocuments' &&
        Object.keys(shape.filter).length === 0 &&
        Object.keys(shape.sort).length === 0
      ) {
        scans.set(name, "the size of a whole collection (an unfiltered list's total)");
        continue;
      }
      const scan = INTENTIONAL_SCANS.find(
        (s) =>
          s.collection === shape.collection &&
          s.method === shape.method &&
          s.filterKeys.join() === Object.keys(shape.filter).sort().join() &&
          Object.keys(shape.sort).length === 0,
      );
      if (scan) {
        scans.set(name, scan.reason);
        continue;
      }
      // The serving index that matches the most equality keys (what a planner would prefer).
      const { equality } = splitFilter(shape.filter);
      const matched = (keys: IndexKeys) => {
        let n = 0;
        while (n < keys.length && equality.includes(keys[n][0])) n++;
        return n;
      };
      const index = indexes
        .filter((i) => i.collection === shape.collection && serves(i.keys, shape))
        .sort((a, b) => matched(b.keys) - matched(a.keys))[0];
      if (index) covered.set(name, index.keys.map(([f, d]) => `${f}:${d}`).join(','));
      else uncovered.add(name);
    }
  }
  return {
    checked,
    covered: [...covered]
      .map(([shape, index]) => ({ shape, index }))
      .sort((a, b) => a.shape.localeCompare(b.shape)),
    scans: [...scans].map(([shape, reason]) => ({ shape, reason })),
    uncovered: [...uncovered].sort(),
  };
}

/** Reads the run's query logs, writes `.cache/query-coverage.json`, throws naming any uncovered. */
export async function assertQueriesCovered(logDir: string): Promise<void> {
  const queries = readdirSync(logDir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) =>
      readFileSync(path.join(logDir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LoggedQuery),
    );
  const report = checkCoverage(queries, await declaredIndexes());
  mkdirSync(path.join(projectRoot, '.cache'), { recursive: true });
  writeFileSync(
    path.join(projectRoot, '.cache', 'query-coverage.json'),
    JSON.stringify(report, null, 2),
  );
  if (report.uncovered.length > 0) {
    throw new Error(
      `Index coverage: ${report.uncovered.length} query shape(s) the e2e run issued are served by no index the schemas declare (report in .cache/query-coverage.json):\n  ${report.uncovered.join('\n  ')}`,
    );
  }
}
