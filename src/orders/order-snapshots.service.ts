import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo, type Types } from 'mongoose';
import { errorMessage } from '../common/errors/error-message.js';
import { Order, type LeanOrder } from './schemas/order.schema.js';
import { OrderSnapshot } from './schemas/order-snapshot.schema.js';

/**
 * An order's revision: it grows with every write that changes what the order's view shows
 * (a status change appends to `statusHistory`; a parcel or cancelled-line change bumps
 * `shipmentsVersion`), so a snapshot can tell whether it is behind.
 */
export function revisionOf(order: Pick<LeanOrder, 'statusHistory' | 'shipmentsVersion'>): number {
  return order.statusHistory.length + (order.shipmentsVersion ?? 0);
}

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

function decode(body: unknown): LeanOrder {
  const bytes =
    body instanceof mongo.Binary ? body.buffer.subarray(0, body.position) : (body as Uint8Array);
  return { outbox: [], ...mongo.BSON.deserialize(bytes) } as unknown as LeanOrder;
}

/**
 * Keeps `order_snapshots` (see OrderSnapshot) in step with `orders` and reads pages of it.
 * Same consistency rules as OrderSummaries: the order is written first, its snapshot after
 * (inside the order's write lock, so this instance stores them in write order); a snapshot
 * only replaces an older revision; a failed write is logged, never thrown. What can be left
 * behind is repaired: a missing or older snapshot is noticed by the list reading it (it then
 * reads the order and re-records it), and missing ones by the boot-time repair.
 */
@Injectable()
export class OrderSnapshots implements OnApplicationBootstrap {
  private readonly logger = new Logger(OrderSnapshots.name);

  constructor(
    @InjectModel(OrderSnapshot.name) private readonly snapshots: Model<OrderSnapshot>,
    @InjectModel(Order.name) private readonly orders: Model<Order>,
  ) {}

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
    } catch (error) {
      if (error instanceof mongo.MongoServerError && error.code === 11000) return; // newer stored
      this.logger.error(
        `Snapshot of order ${order.orderNumber} not stored (repaired later): ${errorMessage(error)}`,
      );
    }
  }

  /** The stored copies of these orders, in the same order (null where none is stored). */
  async read(ids: Types.ObjectId[]): Promise<Array<LeanOrder | null>> {
    // One `_id` lookup each: FerretDB pushes `_id` equality down to an index, a `$in` it scans.
    const docs = await Promise.all(
      ids.map((id) => this.snapshots.findById(id).lean<{ rev: number; body: unknown }>()),
    );
    return docs.map((doc) => (doc ? decode(doc.body) : null));
  }

  /** Writes the snapshot of every order that has none; runs when the collections' counts differ. */
  async repairMissing(): Promise<number> {
    const [orders, snapshots] = await Promise.all([
      this.orders.estimatedDocumentCount(),
      this.snapshots.estimatedDocumentCount(),
    ]);
    if (orders === snapshots) return 0;
    let repaired = 0;
    const cursor = this.orders.find({}).lean<LeanOrder[]>().cursor({ batchSize: 200 });
    for await (const order of cursor) {
      if (!(await this.snapshots.exists({ _id: order._id }))) {
        await this.record(order);
        repaired += 1;
      }
    }
    if (repaired > 0) this.logger.warn(`Repaired ${repaired} missing order snapshots`);
    return repaired;
  }
}
