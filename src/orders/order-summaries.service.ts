import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDuplicateKeyError } from '../common/database/duplicate-key.js';
import { errorMessage } from '../common/errors/error-message.js';
import type { LeanOrder } from './schemas/order.schema.js';
import { Order } from './schemas/order.schema.js';
import { OrderSummary } from './schemas/order-summary.schema.js';
import { revisionOf } from './order-revision.js';
import { recordMissing } from './read-model-repair.js';
import { dayOf, walkDays } from './summary-day-walk.js';

/** The summary of an order as stored (also used by benchmarks that seed orders directly). */
export function summaryOf(
  order: Pick<
    LeanOrder,
    '_id' | 'user' | 'orderNumber' | 'status' | 'totalPaise' | 'createdAt' | 'shipmentsVersion'
  > & {
    statusHistory: unknown[];
  },
): OrderSummary {
  return {
    _id: order._id,
    user: order.user,
    orderNumber: order.orderNumber,
    status: order.status,
    totalPaise: order.totalPaise,
    createdAt: order.createdAt,
    createdDay: dayOf(order.createdAt),
    version: order.statusHistory.length,
    rev: revisionOf(order),
  };
}

/** Above this many matching summaries, a customer's list is paged and counted by the database. */
const ONE_READ_LIMIT = 1_000;
const PAGE_FIELDS = { _id: 1, rev: 1 } as const;

/**
 * How long a count across customers is reused. Counting decodes every matching summary on
 * FerretDB (the whole shop for an unfiltered admin list); a write of a summary on this
 * instance drops the cached counts, so only another instance's writes can be this late.
 */
const SHARED_COUNT_TTL_MS = 10_000;
const SHARED_COUNT_ENTRIES = 100;

function isNewestFirst(sort: Record<string, 1 | -1>): boolean {
  return Object.keys(sort)[0] === 'createdAt' && sort.createdAt === -1;
}

/** A page picked from the summaries, in page order, and the filter's total. */
export interface SummaryPage {
  rows: Array<Pick<OrderSummary, '_id' | 'rev'>>;
  total: number;
}

/**
 * Keeps `order_summaries` (see OrderSummary) in step with `orders`, and pages over it.
 *
 * Consistency without transactions: the order is written first, its summary after. A summary
 * write only replaces an older version (a conditional upsert; a newer one already stored makes
 * the upsert's insert collide, which is ignored). A failed summary write is logged, never
 * thrown: the order's write stands. What can go wrong is repaired: a summary that is missing
 * (a crash between the two writes) by the boot-time repair when the collections' counts
 * differ, and one that is behind by the list itself, which compares each page's orders with
 * their summaries.
 */
@Injectable()
export class OrderSummaries implements OnApplicationBootstrap {
  private readonly logger = new Logger(OrderSummaries.name);
  private readonly sharedCounts = new Map<string, { at: number; total: Promise<number> }>();

  constructor(
    @InjectModel(OrderSummary.name) private readonly summaries: Model<OrderSummary>,
    @InjectModel(Order.name) private readonly orders: Model<Order>,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: the service serves meanwhile (a missing summary only hides an order
    // from lists until it is back).
    void this.repairMissing()
      .then(() => this.backfillOlderSummaries())
      .catch((error: unknown) =>
        this.logger.error(`Order summary repair failed: ${errorMessage(error)}`),
      );
  }

  /** Stores the order's summary unless a newer one is there. Never throws. */
  async record(order: LeanOrder): Promise<void> {
    const summary = summaryOf(order);
    this.sharedCounts.clear();
    try {
      await this.summaries.updateOne(
        { _id: summary._id, rev: { $lte: summary.rev } },
        { $set: summary },
        { upsert: true },
      );
    } catch (error) {
      if (isDuplicateKeyError(error)) return; // newer stored
      this.logger.error(
        `Summary of order ${order.orderNumber} not stored (repaired later): ${errorMessage(error)}`,
      );
    }
  }

  /**
   * One page of summaries in `sort` order, and how many match. A list scoped to one customer
   * reads all of that customer's matching summaries at once (up to ONE_READ_LIMIT) and pages
   * and counts them here: FerretDB decodes every row the filter returns before it sorts and
   * limits, so a separate count would decode them all a second time. A newest-first list
   * across customers is read back one day at a time (see walkDays). The rest are paged and
   * counted by the database.
   */
  async page(
    filter: Record<string, unknown>,
    sort: Record<string, 1 | -1>,
    skip: number,
    limit: number,
  ): Promise<SummaryPage> {
    if (filter.user !== undefined) {
      const all = await this.summaries
        .find(filter, PAGE_FIELDS)
        .sort(sort)
        .limit(ONE_READ_LIMIT)
        .lean<SummaryPage['rows']>();
      if (all.length < ONE_READ_LIMIT) {
        return { rows: all.slice(skip, skip + limit), total: all.length };
      }
    }
    const acrossCustomers = filter.user === undefined && filter.orderNumber === undefined;
    if (acrossCustomers && isNewestFirst(sort)) {
      const total = await this.countAcrossCustomers(filter);
      const range = filter.createdAt as { $gte?: Date; $lt?: Date; $lte?: Date } | undefined;
      const newest = range?.$lt ?? range?.$lte ?? new Date();
      const rows = await walkDays<SummaryPage['rows'][number]>(this.summaries, PAGE_FIELDS, {
        filter,
        total,
        skip,
        limit,
        newestDay: dayOf(newest),
        oldestDay: range?.$gte ? dayOf(range.$gte) : undefined,
      });
      if (rows) return { rows, total };
    }
    const [rows, total] = await Promise.all([
      this.summaries
        .find(filter, PAGE_FIELDS)
        .sort(sort)
        .skip(skip)
        .limit(limit)
        .lean<SummaryPage['rows']>(),
      acrossCustomers ? this.countAcrossCustomers(filter) : this.summaries.countDocuments(filter),
    ]);
    return { rows, total };
  }

  /** countDocuments, shared by concurrent lists and reused briefly (see SHARED_COUNT_TTL_MS). */
  private countAcrossCustomers(filter: Record<string, unknown>): Promise<number> {
    const key = JSON.stringify(filter);
    const cached = this.sharedCounts.get(key);
    if (cached && Date.now() - cached.at < SHARED_COUNT_TTL_MS) return cached.total;
    const total = this.summaries.countDocuments(filter).exec();
    this.sharedCounts.delete(key);
    this.sharedCounts.set(key, { at: Date.now(), total });
    total.catch(() => this.sharedCounts.delete(key));
    if (this.sharedCounts.size > SHARED_COUNT_ENTRIES) {
      this.sharedCounts.delete(this.sharedCounts.keys().next().value as string);
    }
    return total;
  }

  /** Re-records the summaries on a page that are behind their orders. */
  async healPage(page: SummaryPage['rows'], orders: Array<LeanOrder | null>): Promise<void> {
    const behind = orders.filter(
      (o, i): o is LeanOrder => o !== null && page[i].rev < revisionOf(o),
    );
    await Promise.all(behind.map((o) => this.record(o)));
  }

  /**
   * Gives summaries written before `rev` and `createdDay` existed both fields (once; a no-op
   * after). `rev` starts at the summary's `version`, never above the order's revision, so the
   * order's next write replaces it.
   */
  async backfillOlderSummaries(): Promise<number> {
    const cursor = this.summaries
      .find({ rev: { $exists: false } }, { createdAt: 1, version: 1 })
      .lean<Array<Pick<OrderSummary, '_id' | 'createdAt' | 'version'>>>()
      .cursor({ batchSize: 500 });
    let updated = 0;
    for await (const row of cursor) {
      await this.summaries.updateOne(
        { _id: row._id },
        { $set: { createdDay: dayOf(row.createdAt), rev: row.version } },
      );
      updated += 1;
    }
    if (updated > 0) this.logger.warn(`Gave ${updated} older order summaries rev and createdDay`);
    return updated;
  }

  /**
   * Writes the summary of every order that has none. Runs only when the two collections'
   * counts differ, reading the orders once (a cursor).
   */
  async repairMissing(): Promise<number> {
    const repaired = await recordMissing(this.orders, this.summaries, {
      projection: {
        user: 1,
        orderNumber: 1,
        status: 1,
        totalPaise: 1,
        createdAt: 1,
        statusHistory: 1,
      },
      batchSize: 500,
      record: (order) => this.record(order),
    });
    if (repaired > 0) this.logger.warn(`Repaired ${repaired} missing order summaries`);
    return repaired;
  }
}
