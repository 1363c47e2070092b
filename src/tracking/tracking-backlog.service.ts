import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import type { AllConfig } from '../config/index.js';
import { TrackingSyncCursor } from './schemas/tracking-sync-cursor.schema.js';
import { Tracking } from './schemas/tracking.schema.js';
import { CURSOR_ID } from './tracking-schedule.service.js';
import { dueMinuteOf } from './tracking-state.js';

/** Slots looked at per scrape: four hours of minutes. Further behind reads as "at least". */
const MAX_SLOTS = 240;
/** Slot counts asked at once. */
const PARALLEL = 16;

export interface SyncBacklog {
  /** Live shipments whose next poll time has passed. */
  due: number;
  /** Of those, the ones waiting longer than one poll interval past their due time. */
  overdue: number;
  /** How long the most overdue shipment has waited past its due time (0 when none is due). */
  lagSeconds: number;
}

/**
 * How far the sync passes are behind, for ops (metrics). Separate from the poller: it only
 * reads, and is asked on a scrape, never on the sync path.
 *
 * It reads what the passes read: the due-minute slots after the schedule's cursor (see
 * TrackingSchedule), one `{ dueMinute: m }` count each. Equalities only, so FerretDB counts
 * them through an index instead of decoding every open tracking on each scrape.
 */
@Injectable()
export class TrackingBacklogService {
  constructor(
    @InjectModel(Tracking.name) private readonly trackings: Model<Tracking>,
    @InjectModel(TrackingSyncCursor.name) private readonly cursors: Model<TrackingSyncCursor>,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  async backlog(now = new Date()): Promise<SyncBacklog> {
    const pollMinutes = this.config.getOrThrow('tracking', { infer: true }).pollMinutes;
    const nowMinute = dueMinuteOf(now)!;
    const cursor = await this.cursors.findById(CURSOR_ID).lean();
    const oldestSlot = nowMinute - MAX_SLOTS + 1;
    const from = Math.max(cursor ? cursor.doneThroughMinute + 1 : oldestSlot, oldestSlot);

    const slots: number[] = [];
    for (let m = from; m <= nowMinute; m++) slots.push(m);
    const counts: number[] = [];
    for (let i = 0; i < slots.length; i += PARALLEL) {
      const chunk = slots.slice(i, i + PARALLEL);
      counts.push(
        ...(await Promise.all(chunk.map((m) => this.trackings.countDocuments({ dueMinute: m })))),
      );
    }

    let due = 0;
    let overdue = 0;
    let earliest: number | null = null;
    slots.forEach((m, i) => {
      if (counts[i] === 0) return;
      due += counts[i];
      if (m < nowMinute - pollMinutes) overdue += counts[i];
      earliest ??= m;
    });
    // A cursor further back than the slots read: at least that far behind.
    const behindFrom = cursor && cursor.doneThroughMinute + 1 < oldestSlot ? oldestSlot : earliest;
    const lagMs = behindFrom === null ? 0 : now.getTime() - behindFrom * 60_000;
    return { due, overdue, lagSeconds: Math.max(0, lagMs) / 1000 };
  }
}
