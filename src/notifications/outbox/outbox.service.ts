import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import {
  duplicateInsertIndexes,
  insertedDespiteDuplicates,
  isDuplicateKeyError,
} from '../../common/database/duplicate-key.js';
import type { OutboxEntry } from '../../common/outbox/outbox-entry.js';
import type { OutboxRecord } from './outbox-record.js';
import { OutboxBucketDoc, OutboxCheckpointDoc, OutboxRecordDoc } from './outbox-record.schema.js';
import { bucketOf, hourOfBucket, nextPosition, slotOf, timeOfPosition } from './outbox-position.js';

const byPosition = (a: OutboxRecord, b: OutboxRecord) =>
  a.position < b.position ? -1 : a.position > b.position ? 1 : 0;

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

interface AppendJob {
  entries: readonly OutboxEntry[];
  resolve: (stored: number) => void;
  reject: (error: unknown) => void;
}

/** The `outbox` collection: storing relayed changes and reading them back in feed order. */
@Injectable()
export class OutboxService {
  /** The last bucket this process made sure has its directory marker. */
  private markedBucket = -1;
  /** Appends waiting for the next flush (see append). */
  private readonly pending: AppendJob[] = [];

  constructor(
    @InjectModel(OutboxRecordDoc.name) private readonly records: Model<OutboxRecordDoc>,
    @InjectModel(OutboxCheckpointDoc.name)
    private readonly checkpoints: Model<OutboxCheckpointDoc>,
    @InjectModel(OutboxBucketDoc.name) private readonly buckets: Model<OutboxBucketDoc>,
  ) {}

  /**
   * Stores entries in order, each at a new feed position. An entry whose key is already stored
   * (a relay repeated after a crash, or two instances relaying the same document) is skipped.
   * Returns how many were newly stored.
   *
   * Appends asked for in the same turn of the event loop (a sync batch relays its fifty
   * trackings at once) are stored together in one unordered insert, positions taken in call
   * order; each caller learns about its own entries only.
   */
  append(entries: readonly OutboxEntry[]): Promise<number> {
    if (entries.length === 0) return Promise.resolve(0);
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ entries, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const jobs = this.pending.splice(0);
    const docs: OutboxRecordDoc[] = [];
    const owner: number[] = [];
    const now = Date.now();
    jobs.forEach((job, j) => {
      for (const entry of job.entries) {
        const position = nextPosition(now);
        docs.push({
          _id: position,
          ...entry,
          relayedAt: new Date(now),
          bucket: bucketOf(timeOfPosition(position)),
          slot: slotOf(timeOfPosition(position)),
        });
        owner.push(j);
      }
    });
    let duplicates = new Set<number>();
    try {
      for (const bucket of new Set(docs.map((d) => d.bucket))) await this.markBucket(bucket);
      try {
        await this.records.insertMany(docs, { ordered: false });
      } catch (error) {
        duplicates = duplicateInsertIndexes(error);
      }
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    const stored = jobs.map(() => 0);
    owner.forEach((j, i) => {
      if (!duplicates.has(i)) stored[j] += 1;
    });
    jobs.forEach((job, j) => job.resolve(stored[j]));
  }

  /**
   * Records the bucket in the directory before its first record is stored (positions only grow
   * within a process, so one marker insert per bucket and process; another instance's marker
   * for the same bucket makes the insert a harmless duplicate).
   */
  private async markBucket(bucket: number): Promise<void> {
    if (bucket <= this.markedBucket) return;
    try {
      await this.buckets.create({ _id: bucket, hour: hourOfBucket(bucket) });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    this.markedBucket = Math.max(this.markedBucket, bucket);
  }

  /**
   * Fills the bucket directory for records stored by code older than it (once: when the
   * directory is empty and the outbox is not). Reads every record's bucket a single time.
   */
  async backfillDirectory(): Promise<number> {
    if ((await this.buckets.estimatedDocumentCount()) > 0) return 0;
    if ((await this.records.estimatedDocumentCount()) === 0) return 0;
    const found = await this.records.distinct('bucket', {});
    const buckets = found.filter((b): b is number => typeof b === 'number');
    if (buckets.length === 0) return 0;
    try {
      await this.buckets.insertMany(
        buckets.map((b) => ({ _id: b, hour: hourOfBucket(b) })),
        { ordered: false },
      );
    } catch (error) {
      // Another instance filling it at the same time.
      insertedDespiteDuplicates(error, buckets.length);
    }
    return buckets.length;
  }

  /** Records of one 10-second bucket, oldest first (an equality filter FerretDB pushes down). */
  readBucket(bucket: number): Promise<OutboxRecord[]> {
    return this.readEach([{ bucket }]);
  }

  /** Records in the given 1-second slots, oldest first (equality reads, as by bucket). */
  readSlots(slots: number[]): Promise<OutboxRecord[]> {
    return this.readEach(slots.map((slot) => ({ slot })));
  }

  /** Records matching any of the equality filters (read in parallel), oldest first. */
  private async readEach(filters: Array<{ bucket: number } | { slot: number }>) {
    const batches = await Promise.all(
      filters.map((filter) => this.records.find(filter).lean<OutboxRecordDoc[]>()),
    );
    return batches.flat().map(toRecord).sort(byPosition);
  }

  /**
   * Records after `after` and before `before` (both exclusive), oldest first, at most `limit`:
   * replay of the whole feed. Reads the directory's non-empty buckets in order (equality reads;
   * a range over the collection would make FerretDB decode every record).
   */
  async readRange(after: string, before: string, limit: number): Promise<OutboxRecord[]> {
    const found: OutboxRecord[] = [];
    const from = bucketOf(timeOfPosition(after));
    const to = bucketOf(timeOfPosition(before));
    for await (const bucket of this.nonEmptyBuckets(from, to)) {
      const records = await this.readBucket(bucket);
      found.push(...records.filter((r) => r.position > after && r.position < before));
      if (found.length >= limit) break;
    }
    return found.slice(0, limit);
  }

  /**
   * The non-empty buckets from `from` to `to` (inclusive), oldest first, from the directory:
   * one read per hour of the span, however many buckets in it are empty.
   */
  async *nonEmptyBuckets(from: number, to: number): AsyncGenerator<number> {
    for (let hour = hourOfBucket(from); hour <= hourOfBucket(to); hour++) {
      const markers = await this.buckets.find({ hour }).lean<OutboxBucketDoc[]>();
      const inRange = markers
        .map((m) => m._id)
        .filter((b) => b >= from && b <= to)
        .sort((a, b) => a - b);
      yield* inRange;
    }
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

  /**
   * Deletes the buckets (records and directory marker) that ended before `before` (retention;
   * there are no TTL indexes on FerretDB). Walks the directory, so every delete is an equality.
   */
  async prune(before: Date): Promise<number> {
    const cutoff = bucketOf(before.getTime());
    const expired = await this.buckets
      .find({ _id: trusted({ $lt: cutoff }) })
      .lean<OutboxBucketDoc[]>();
    let deleted = 0;
    for (const { _id: bucket } of expired.sort((a, b) => a._id - b._id)) {
      deleted += (await this.records.deleteMany({ bucket })).deletedCount;
      await this.buckets.deleteOne({ _id: bucket });
    }
    return deleted;
  }
}
