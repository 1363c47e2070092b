import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo, type Types } from 'mongoose';
import { isDuplicateKeyError } from '../common/database/duplicate-key.js';
import { errorMessage } from '../common/errors/error-message.js';
import type { AllConfig } from '../config/index.js';
import { Order, type LeanOrder } from './schemas/order.schema.js';
import { OrderSnapshot } from './schemas/order-snapshot.schema.js';
import { revisionOf } from './order-revision.js';
import { recordMissing } from './read-model-repair.js';

/** The snapshot of an order as stored (also used by benchmarks that seed orders directly). */
export function snapshotOf(order: LeanOrder): OrderSnapshot {
  // The outbox is bookkeeping for the relay, never part of a view.
  const { outbox: _outbox, outboxPending: _pending, ...shown } = order;
  return {
    _id: order._id,
    rev: revisionOf(order),
    body: Buffer.from(mongo.BSON.serialize(shown)),
  };
}

function bytesOf(body: unknown): Uint8Array {
  return body instanceof mongo.Binary
    ? body.buffer.subarray(0, body.position)
    : (body as Uint8Array);
}

/** A fresh object each time: callers may change what they get. */
function decode(bytes: Uint8Array): LeanOrder {
  return { outbox: [], ...mongo.BSON.deserialize(bytes) } as unknown as LeanOrder;
}

/** A page row: the order and the revision its summary names. */
export interface SnapshotWanted {
  _id: Types.ObjectId;
  rev: number;
}

/**
 * Keeps `order_snapshots` (see OrderSnapshot) in step with `orders` and reads pages of it.
 * Same consistency rules as OrderSummaries: the order is written first, its snapshot after
 * (inside the order's write lock, so this instance stores them in write order); a snapshot
 * only replaces an older revision; a failed write is logged, never thrown. What can be left
 * behind is repaired: a missing or older snapshot is noticed by the list reading it (it then
 * reads the order and re-records it), and missing ones by the boot-time repair.
 *
 * Recently read snapshots are kept in memory (ORDER_SNAPSHOT_CACHE_ENTRIES, BSON bytes, least
 * recently used dropped first) and used only when the summary that lists the order names the
 * same revision, so a change made on any instance is never hidden by this one's memory.
 */
@Injectable()
export class OrderSnapshots implements OnApplicationBootstrap {
  private readonly logger = new Logger(OrderSnapshots.name);
  /** Recently used snapshots' BSON by order id, least recently used first. */
  private readonly cache = new Map<string, { rev: number; bytes: Uint8Array }>();
  private readonly cacheEntries: number;

  constructor(
    @InjectModel(OrderSnapshot.name) private readonly snapshots: Model<OrderSnapshot>,
    @InjectModel(Order.name) private readonly orders: Model<Order>,
    config: ConfigService<AllConfig, true>,
  ) {
    this.cacheEntries = config.getOrThrow('orders', { infer: true }).snapshotCacheEntries;
  }

  onApplicationBootstrap(): void {
    void this.repairMissing().catch((error: unknown) =>
      this.logger.error(`Order snapshot repair failed: ${errorMessage(error)}`),
    );
  }

  /** Stores the order's snapshot unless a newer one is there. Never throws. */
  async record(order: LeanOrder): Promise<void> {
    const snapshot = snapshotOf(order);
    try {
      await this.snapshots.updateOne(
        { _id: snapshot._id, rev: { $lte: snapshot.rev } },
        { $set: snapshot },
        { upsert: true },
      );
      this.remember(String(snapshot._id), snapshot.rev, snapshot.body);
    } catch (error) {
      if (isDuplicateKeyError(error)) return; // newer stored
      this.logger.error(
        `Snapshot of order ${order.orderNumber} not stored (repaired later): ${errorMessage(error)}`,
      );
    }
  }

  /**
   * The copies of a page's orders, in page order: each at least of the revision its summary
   * names, from memory when held at exactly that revision, else read by `_id` (FerretDB pushes
   * `_id` equality down to an index; a `$in` it scans). Null where none is stored or the
   * stored one is older (a write that stopped half way): the caller reads the order instead.
   */
  async read(rows: SnapshotWanted[]): Promise<Array<LeanOrder | null>> {
    return Promise.all(
      rows.map(async (row) => {
        const id = String(row._id);
        const held = this.cache.get(id);
        if (held && held.rev === row.rev) {
          this.cache.delete(id); // most recently used goes last
          this.cache.set(id, held);
          return decode(held.bytes);
        }
        const doc = await this.snapshots.findById(row._id).lean<{ rev: number; body: unknown }>();
        if (!doc || doc.rev < row.rev) return null;
        const bytes = bytesOf(doc.body);
        this.remember(id, doc.rev, bytes);
        return decode(bytes);
      }),
    );
  }

  /** Keeps a snapshot in memory unless a newer one is held; drops the least recently used. */
  private remember(id: string, rev: number, bytes: Uint8Array): void {
    if (this.cacheEntries === 0) return;
    const held = this.cache.get(id);
    if (held && held.rev > rev) return;
    this.cache.delete(id);
    this.cache.set(id, { rev, bytes });
    if (this.cache.size > this.cacheEntries) {
      this.cache.delete(this.cache.keys().next().value as string);
    }
  }

  /** Writes the snapshot of every order that has none; runs when the collections' counts differ. */
  async repairMissing(): Promise<number> {
    const repaired = await recordMissing(this.orders, this.snapshots, {
      batchSize: 200,
      record: (order) => this.record(order),
    });
    if (repaired > 0) this.logger.warn(`Repaired ${repaired} missing order snapshots`);
    return repaired;
  }
}
