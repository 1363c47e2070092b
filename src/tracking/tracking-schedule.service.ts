import { isDuplicateKeyError } from '../common/database/duplicate-key.js';
import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { Tracking } from './schemas/tracking.schema.js';
import { TrackingSyncCursor } from './schemas/tracking-sync-cursor.schema.js';
import { dueMinuteOf } from './tracking-state.js';
import type { StoredTracking } from './tracking-view.js';

export const CURSOR_ID = 'due';

/**
 * Which trackings a pass should poll, found by equality only.
 *
 * Every tracking carries `dueMinute`, the minute its `nextSyncAt` falls in. A pass walks the
 * minute slots from just after the cursor (`tracking_sync_cursors`) up to the current minute
 * and asks for each slot `{ dueMinute: m }`: an indexed equality on MongoDB, and one FerretDB
 * pushes down to PostgreSQL, so a pass reads the trackings that are due and nothing else (a
 * range on `nextSyncAt` would make FerretDB decode every open tracking on every tick).
 *
 * A synced tracking moves to a later slot, so re-walking a slot never polls it twice. The
 * cursor moves only at the end of a pass and only past slots found empty afterwards: a pass
 * killed half way, a lease held by a crashed instance or a failed write leaves the slot to be
 * walked again, and nothing due is skipped.
 */
@Injectable()
export class TrackingSchedule {
  private readonly logger = new Logger(TrackingSchedule.name);

  constructor(
    @InjectModel(Tracking.name) private readonly trackings: Model<Tracking>,
    @InjectModel(TrackingSyncCursor.name) private readonly cursors: Model<TrackingSyncCursor>,
  ) {}

  /** A walk over the slots due at `startedAt`: candidates first, then `finish()`. */
  async walk(startedAt: Date): Promise<DueWalk> {
    const nowMinute = dueMinuteOf(startedAt)!;
    const from = await this.firstOpenMinute(nowMinute);
    return new DueWalk(this.trackings, this.cursors, from, nowMinute);
  }

  /** The slot after the cursor; before any pass ever ran, the earliest slot in use. */
  private async firstOpenMinute(nowMinute: number): Promise<number> {
    const cursor = await this.cursors.findById(CURSOR_ID).lean();
    if (cursor) return cursor.doneThroughMinute + 1;
    // First pass on this database: trackings stored before `dueMinute` existed get theirs,
    // then the walk starts at the earliest one (a one-off read of the open trackings).
    const unslotted = await this.trackings
      .find({ terminal: false, dueMinute: null }, { _id: 1, nextSyncAt: 1 })
      .lean<Array<{ _id: string; nextSyncAt: Date | null }>>();
    for (const doc of unslotted) {
      // No next poll at all: a courier Docket does not poll (manual milestones).
      const nextSyncAt = doc.nextSyncAt;
      if (!nextSyncAt) continue;
      await this.trackings.updateOne(
        { _id: doc._id },
        { $set: { nextSyncAt, dueMinute: dueMinuteOf(nextSyncAt) } },
        { timestamps: false },
      );
    }
    if (unslotted.length > 0) this.logger.log(`Gave ${unslotted.length} tracking(s) a due slot`);
    const earliest = await this.trackings
      .findOne({ terminal: false }, { dueMinute: 1 })
      .sort({ dueMinute: 1 })
      .lean<{ dueMinute: number | null }>();
    return Math.min(earliest?.dueMinute ?? nowMinute, nowMinute);
  }
}

/** One pass's walk over the due slots. */
export class DueWalk {
  /** Slots that had candidates: checked again before the cursor may pass them. */
  private readonly visited: number[] = [];

  constructor(
    private readonly trackings: Model<Tracking>,
    private readonly cursors: Model<TrackingSyncCursor>,
    readonly fromMinute: number,
    readonly nowMinute: number,
  ) {}

  /** The trackings in each slot from `fromMinute` through `nowMinute`, slot by slot. */
  async *candidates(): AsyncGenerator<StoredTracking> {
    for (let minute = this.fromMinute; minute <= this.nowMinute; minute++) {
      // Whole documents: FerretDB decodes each whole whatever the projection, and the pass
      // leases and syncs them as read, without reading them again.
      const inSlot = await this.trackings.find({ dueMinute: minute }).lean<StoredTracking[]>();
      if (inSlot.length === 0) continue;
      this.visited.push(minute);
      yield* inSlot;
    }
  }

  /**
   * Moves the cursor past every finished slot: all before the current minute (whose later
   * seconds are not due yet) up to the first visited slot that still holds a tracking.
   */
  async finish(): Promise<number> {
    let doneThrough = this.nowMinute - 1;
    for (const minute of this.visited) {
      if (minute >= this.nowMinute) break;
      const left = await this.trackings.exists({ dueMinute: minute });
      if (left) {
        doneThrough = minute - 1;
        break;
      }
    }
    if (doneThrough < this.fromMinute) return doneThrough;
    const move = () =>
      this.cursors.updateOne(
        { _id: CURSOR_ID },
        { $max: { doneThroughMinute: doneThrough } },
        { upsert: true },
      );
    try {
      await move();
    } catch (error) {
      // Two instances creating the cursor at once: one insert wins, the other now updates.
      if (!isDuplicateKeyError(error)) throw error;
      await move();
    }
    return doneThrough;
  }
}
