import mongoose from 'mongoose';

/**
 * With BENCH_QUERY_COUNTS set, counts the app's database calls (mongoose's debug hook, by
 * `collection.method`) until the returned function is called, which stops counting and returns
 * them per unit of work (request, shipment…) as one line, most frequent first; without it,
 * counts nothing and returns null.
 */
export function countQueriesIfAsked(): (units: number) => string | null {
  if (!process.env.BENCH_QUERY_COUNTS) return () => null;
  const counts = new Map<string, number>();
  mongoose.set('debug', (collection: string, method: string) => {
    const key = `${collection}.${method}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  return (units) => {
    mongoose.set('debug', false);
    return [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([key, n]) => `${key} ${Math.round((n / Math.max(1, units)) * 100) / 100}`)
      .join(', ');
  };
}
