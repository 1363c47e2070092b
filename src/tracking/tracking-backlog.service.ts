import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import type { AllConfig } from '../config/index.js';
import { Tracking } from './schemas/tracking.schema.js';

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
 */
@Injectable()
export class TrackingBacklogService {
  constructor(
    @InjectModel(Tracking.name) private readonly trackings: Model<Tracking>,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  async backlog(now = new Date()): Promise<SyncBacklog> {
    const pollMs = this.config.getOrThrow('tracking', { infer: true }).pollMinutes * 60_000;
    const overdueBefore = new Date(now.getTime() - pollMs);
    const [due, overdue, oldest] = await Promise.all([
      this.trackings.countDocuments({ terminal: false, nextSyncAt: { $lte: now } }),
      this.trackings.countDocuments({ terminal: false, nextSyncAt: { $lte: overdueBefore } }),
      this.trackings
        .findOne({ terminal: false, nextSyncAt: { $lte: now } }, { nextSyncAt: 1 })
        .sort({ nextSyncAt: 1 })
        .lean<{ nextSyncAt: Date | null }>(),
    ]);
    const lagMs = oldest?.nextSyncAt ? now.getTime() - oldest.nextSyncAt.getTime() : 0;
    return { due, overdue, lagSeconds: Math.max(0, lagMs) / 1000 };
  }
}
