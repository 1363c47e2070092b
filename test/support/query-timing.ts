import mongoose from 'mongoose';

/** Time spent in one query shape: collection, operation and the filter's keys. */
export interface QueryShapeTiming {
  shape: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  /** Documents the calls returned (finds only). */
  docs: number;
}

const QUERY_OPS = [
  'find',
  'findOne',
  'countDocuments',
  'updateOne',
  'updateMany',
  'deleteOne',
  'deleteMany',
  'findOneAndUpdate',
] as const;

interface Totals {
  calls: number;
  ms: number;
  docs: number;
}

const started = new WeakMap<object, number>();
const totals = new Map<string, Totals>();

function shapeOf(query: mongoose.Query<unknown, unknown> & { op?: string }): string {
  const filter = query.getFilter();
  const keys = Object.entries(filter).map(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((o) => o.startsWith('$'))
      ? `${k}{${Object.keys(v).join(',')}}`
      : k,
  );
  const sort = query.getOptions().sort as Record<string, unknown> | undefined;
  const sorted = sort ? ` sort(${Object.keys(sort).join(',')})` : '';
  return `${query.model.collection.collectionName}.${query.op ?? '?'}(${keys.join(',')})${sorted}`;
}

let installed = false;

/**
 * Times every mongoose query of the app by shape (a global plugin: install it before the app
 * compiles its models). Benches print `queryTimings()` to show where the database time went.
 * Inserts through `Model.collection` are not seen.
 */
export function installQueryTiming(): void {
  if (installed) return;
  installed = true;
  mongoose.plugin((schema) => {
    schema.pre([...QUERY_OPS], function (this: mongoose.Query<unknown, unknown>) {
      started.set(this, performance.now());
    });
    schema.post([...QUERY_OPS], function (this: mongoose.Query<unknown, unknown>, result) {
      const at = started.get(this);
      if (at === undefined) return;
      const shape = shapeOf(this);
      const entry = totals.get(shape) ?? { calls: 0, ms: 0, docs: 0 };
      entry.calls += 1;
      entry.ms += performance.now() - at;
      entry.docs += Array.isArray(result) ? result.length : 0;
      totals.set(shape, entry);
    });
  });
}

/** Query shapes by total time, most first. */
export function queryTimings(top = 25): QueryShapeTiming[] {
  return [...totals]
    .map(([shape, t]) => ({
      shape,
      calls: t.calls,
      totalMs: Math.round(t.ms),
      meanMs: Math.round((t.ms / t.calls) * 10) / 10,
      docs: t.docs,
    }))
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, top);
}
