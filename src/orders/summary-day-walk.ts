import type { Model } from 'mongoose';
import type { OrderSummary } from './schemas/order-summary.schema.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Days read at once while walking back. */
const DAYS_PER_STEP = 7;
/** A walk that finds nothing in this many days gives up (the caller pages the plain way). */
const MAX_EMPTY_DAYS = 400;

/** The UTC day of a time, as whole days since the epoch (the summaries' `createdDay`). */
export function dayOf(time: Date): number {
  return Math.floor(time.getTime() / DAY_MS);
}

export interface DayWalk {
  filter: Record<string, unknown>;
  /** How many rows match `filter` in all (the walk stops once it has seen them all). */
  total: number;
  skip: number;
  limit: number;
  /** Newest and oldest day the filter can match (from its createdAt range, else now). */
  newestDay: number;
  oldestDay?: number;
}

/**
 * A newest-first page across customers, read one day at a time: each read is
 * `{createdDay: d, …the filter}`, an equality FerretDB pushes down to an index, so it decodes
 * only that day's summaries instead of every summary in the shop (the plain sorted page).
 * Walks back from `newestDay` until it holds `skip + limit` rows or has seen all `total`.
 * Returns null when it walked MAX_EMPTY_DAYS without finding anything (sparse old data).
 */
export async function walkDays<Row>(
  summaries: Model<OrderSummary>,
  projection: Record<string, 1>,
  walk: DayWalk,
): Promise<Row[] | null> {
  const wanted = Math.min(walk.skip + walk.limit, walk.total);
  const rows: Row[] = [];
  let day = walk.newestDay;
  let emptyDays = 0;
  while (rows.length < wanted) {
    if (walk.oldestDay !== undefined && day < walk.oldestDay) break;
    const days = Array.from({ length: DAYS_PER_STEP }, (_, i) => day - i).filter(
      (d) => walk.oldestDay === undefined || d >= walk.oldestDay,
    );
    const found = await Promise.all(
      days.map((d) =>
        summaries
          .find({ ...walk.filter, createdDay: d }, projection)
          .sort({ createdAt: -1, _id: -1 })
          .lean<Row[]>(),
      ),
    );
    for (const dayRows of found) rows.push(...dayRows);
    emptyDays = found.every((f) => f.length === 0) ? emptyDays + days.length : 0;
    if (emptyDays >= MAX_EMPTY_DAYS) return null;
    day -= DAYS_PER_STEP;
  }
  return rows.slice(walk.skip, walk.skip + walk.limit);
}
