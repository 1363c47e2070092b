import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import type { OutboxSource, PendingOutbox } from '../common/outbox/outbox-entry.js';
import { Tracking } from './schemas/tracking.schema.js';
import type { StoredTracking } from './tracking-view.js';

/**
 * The trackings collection's outbox entries, for the Notifications relay. Clearing is a `$pull`
 * by entry key: on MongoDB atomic; on FerretDB it could in theory race a sync write of the same
 * tracking, but the relay clears right after the sync that wrote the entries (the next sync of
 * that docket is minutes away, under a lease), and a pull lost to a race only means the entry
 * is relayed again, which the outbox's unique key turns into a no-op.
 */
@Injectable()
export class TrackingOutboxSource implements OutboxSource {
  readonly name = 'trackings';

  constructor(@InjectModel(Tracking.name) private readonly trackings: Model<Tracking>) {}

  async pendingOf(docketNumber: string): Promise<PendingOutbox | null> {
    const doc = await this.trackings
      .findById(docketNumber, { outbox: 1 })
      .lean<Pick<StoredTracking, '_id' | 'outbox'>>();
    return doc?.outbox?.length ? { documentId: doc._id, entries: doc.outbox } : null;
  }

  async findPending(limit: number): Promise<PendingOutbox[]> {
    const docs = await this.trackings
      .find({ 'outbox.key': trusted({ $exists: true }) }, { outbox: 1 })
      .limit(limit)
      .lean<Array<Pick<StoredTracking, '_id' | 'outbox'>>>();
    return docs.map((d) => ({ documentId: d._id, entries: d.outbox }));
  }

  async clear(docketNumber: string, keys: string[]): Promise<void> {
    // Each entry is pulled by its exact stored value, read uncast: FerretDB's `$pull` matches
    // whole elements only (a `{ key }` condition or an operator matches nothing there).
    const filter = { _id: docketNumber } as never;
    const raw = await this.trackings.collection.findOne(filter, { projection: { outbox: 1 } });
    const entries = ((raw?.outbox ?? []) as Array<{ key: string }>).filter((e) =>
      keys.includes(e.key),
    );
    for (const entry of entries) {
      await this.trackings.collection.updateOne(filter, { $pull: { outbox: entry } } as never);
    }
  }
}
