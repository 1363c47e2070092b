import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo, trusted } from 'mongoose';
import type { OutboxEntry } from '../../common/outbox/outbox-entry.js';
import type { OutboxRecord } from './outbox-record.js';
import { OutboxCheckpointDoc, OutboxRecordDoc } from './outbox-record.schema.js';
import { bucketOf, nextPosition, positionAt, timeOfPosition } from './outbox-position.js';

function isDuplicateKey(error: unknown): boolean {
  return error instanceof mongo.MongoServerError && error.code === 11000;
}

function toRecord(doc: OutboxRecordDoc): OutboxRecord {
  return {
    position: doc._id,
    key: doc.key,
    type: doc.type,
    orderId: doc.orderId,
    orderNumber: doc.orderNumber,
    userId: doc.userId,
    occurredAt: doc.occurredAt,
    docSeq: doc.docSeq,
    data: doc.data ?? {},
    relayedAt: doc.relayedAt,
  };
}

/** The `outbox` collection: storing relayed changes and reading them back in feed order. */
@Injectable()
export class OutboxService {
  constructor(
    @InjectModel(OutboxRecordDoc.name) private readonly records: Model<OutboxRecordDoc>,
    @InjectModel(OutboxCheckpointDoc.name)
    private readonly checkpoints: Model<OutboxCheckpointDoc>,
  ) {}

  /**
   * Stores entries in order, each at a new feed position. An entry whose key is already stored
   * (a relay repeated after a crash, or two instances relaying the same document) is skipped.
   * Returns how many were newly stored.
   */
  async append(entries: OutboxEntry[]): Promise<number> {
    let stored = 0;
    for (const entry of entries) {
      const now = Date.now();
      const position = nextPosition(now);
      try {
        await this.records.create({
          _id: position,
          ...entry,
          relayedAt: new Date(now),
          bucket: bucketOf(timeOfPosition(position)),
        });
        stored += 1;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    return stored;
  }

  /**
   * Records after `after` (exclusive) and before `before` (exclusive), oldest first. Used for
   * replay and catch-up; the live feed uses `readMinutes`.
   */
  async readRange(after: string, before: string, limit: number): Promise<OutboxRecord[]> {
    const docs = await this.records
      .find({ _id: trusted({ $gt: after, $lt: before }) })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<OutboxRecordDoc[]>();
    return docs.map(toRecord);
  }

  /** Records in the given 10-second buckets (equality filters FerretDB pushes down). */
  async readBuckets(buckets: number[]): Promise<OutboxRecord[]> {
    const batches = await Promise.all(
      buckets.map((bucket) => this.records.find({ bucket }).lean<OutboxRecordDoc[]>()),
    );
    return batches
      .flat()
      .map(toRecord)
      .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  }

  /**
   * Records matching `filter` (top-level equality only, so FerretDB pushes it down) with
   * `after < position <= upTo`, oldest first: replay for one order or one customer.
   */
  async readWhere(
    filter: { orderId?: string; userId?: string },
    after: string,
    upTo: string,
    limit: number,
  ): Promise<OutboxRecord[]> {
    const docs = await this.records.find(filter).lean<OutboxRecordDoc[]>();
    return docs
      .filter((d) => d._id > after && d._id <= upTo)
      .sort((a, b) => (a._id < b._id ? -1 : 1))
      .slice(0, limit)
      .map(toRecord);
  }

  async findByKey(key: string): Promise<OutboxRecord | null> {
    const doc = await this.records.findOne({ key }).lean<OutboxRecordDoc>();
    return doc ? toRecord(doc) : null;
  }

  async checkpointOf(consumer: string): Promise<string | null> {
    const doc = await this.checkpoints.findById(consumer).lean<OutboxCheckpointDoc>();
    return doc?.position ?? null;
  }

  /** Moves a consumer's checkpoint forward (never back: `$max`). */
  async saveCheckpoint(consumer: string, position: string): Promise<void> {
    await this.checkpoints.updateOne(
      { _id: consumer },
      { $max: { position }, $set: { updatedAt: new Date() } },
      { upsert: true },
    );
  }

  /** Deletes records stored before `before` (retention; there are no TTL indexes on FerretDB). */
  async prune(before: Date): Promise<number> {
    const result = await this.records.deleteMany({
      _id: trusted({ $lt: positionAt(before.getTime()) }),
    });
    return result.deletedCount;
  }
}
