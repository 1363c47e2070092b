import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import type { OutboxSource, PendingOutbox } from '../common/outbox/outbox-entry.js';
import { pullOutboxEntries } from '../common/outbox/pull-outbox-entries.js';
import { Tracking } from './schemas/tracking.schema.js';
import { TrackingLeases } from './tracking-leases.service.js';
import type { StoredTracking } from './tracking-view.js';

/** Long enough for a few small updates; a relay that dies leaves it to expire. */
const LEASE_MS = 30_000;

/**
 * The trackings collection's outbox entries, for the Notifications relay. Clearing takes the
 * tracking's sync lease first (the same insert-based lease a sync pass holds while it writes),
 * so the `$pull` can never interleave with a sync write of the same tracking: on FerretDB an
 * update is read-modify-write of the whole document, and the two would overwrite each other.
 * When a sync holds the lease the entries stay; the repair pass clears them later (relaying
 * them again is a no-op: the outbox is unique by entry key).
 */
@Injectable()
export class TrackingOutboxSource implements OutboxSource {
  readonly name = 'trackings';
  /**
   * A fresh tracking is synced right after its entries are written (ship, refresh): clearing
   * then would take the lease that sync needs. The repair pass clears them a little later.
   */
  readonly clearRightAway = false;

  private readonly owner = `outbox-relay:${hostname()}:${process.pid}`;

  constructor(
    @InjectModel(Tracking.name) private readonly trackings: Model<Tracking>,
    private readonly leases: TrackingLeases,
  ) {}

  async pendingOf(docketNumber: string): Promise<PendingOutbox | null> {
    const doc = await this.trackings
      .findById(docketNumber, { outbox: 1 })
      .lean<Pick<StoredTracking, '_id' | 'outbox'>>();
    return doc?.outbox?.length ? { documentId: doc._id, entries: doc.outbox } : null;
  }

  async findPending(limit: number): Promise<PendingOutbox[]> {
    const docs = await this.trackings
      .find({ outboxPending: true }, { outbox: 1 })
      .limit(limit)
      .lean<Array<Pick<StoredTracking, '_id' | 'outbox'>>>();
    const pending: PendingOutbox[] = [];
    for (const d of docs) {
      // Flagged but already emptied (a clear that lost its unset): drop the flag.
      if (!d.outbox?.length) await this.clear(d._id, []);
      else pending.push({ documentId: d._id, entries: d.outbox });
    }
    return pending;
  }

  async clear(docketNumber: string, keys: string[]): Promise<void> {
    const filter = { _id: docketNumber } as never;
    const before = await this.trackings.collection.findOne(filter, { projection: { syncSeq: 1 } });
    if (!before) return;
    const seq = Number(before.syncSeq ?? 0);
    const [lease] = await this.leases.claim(this.owner, [{ id: docketNumber, seq }], LEASE_MS);
    if (!lease) return;
    try {
      const raw = await this.trackings.collection.findOne(filter, {
        projection: { outbox: 1, syncSeq: 1 },
      });
      // A sync wrote in between: leave it to the repair pass.
      if (!raw || Number(raw.syncSeq ?? 0) !== seq) return;
      // Each entry is pulled by its exact stored value, read uncast: FerretDB's `$pull` matches
      // whole elements only (a `{ key }` condition or an operator matches nothing there).
      const stored = (raw.outbox ?? []) as Array<{ key: string }>;
      await pullOutboxEntries(this.trackings.collection, docketNumber, stored, keys);
    } finally {
      await this.leases.release([lease]);
    }
  }
}
