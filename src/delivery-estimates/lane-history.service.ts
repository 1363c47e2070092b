import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { DeliveryEstimatesConfig } from './delivery-estimates.config.js';
import { DeliveryJourney } from './schemas/delivery-journey.schema.js';
import { LANE_LEVELS, LaneHistory, laneKeys, LaneLevel } from './transit-statistics.js';

const HOUR_MS = 3_600_000;
/** A delivery scan this long after dispatch is a data error (wrong docket, bad scan), not a lane's transit time. */
const MAX_PLAUSIBLE_TRANSIT_HOURS = 60 * 24;

const LANE_FIELD: Readonly<Record<LaneLevel, 'districtLane' | 'subzoneLane'>> = {
  district: 'districtLane',
  subzone: 'subzoneLane',
};

export interface DispatchRecord {
  docketNumber: string;
  courierService: string;
  originPincode: string;
  destinationPincode: string;
  dispatchedAt: Date;
}

interface CachedLane {
  /** Shared by concurrent readers, so a page of orders on one lane costs one query. */
  transitHours: Promise<number[]>;
  expiresAt: number;
}

/**
 * Owns `delivery_journeys`: records each shipment's dispatch and delivery, and serves the recent
 * transit times of a lane. Lane reads are cached per process for DELIVERY_ESTIMATE_CACHE_SECONDS
 * (a public checkout route must not cost a database scan per request); a delivery recorded here
 * drops its lanes from this process's cache at once.
 */
@Injectable()
export class LaneHistoryService {
  private readonly logger = new Logger(LaneHistoryService.name);
  private readonly settings: DeliveryEstimatesConfig;
  private readonly cache = new Map<string, CachedLane>();

  constructor(
    @InjectModel(DeliveryJourney.name) private readonly journeys: Model<DeliveryJourney>,
    config: ConfigService<{ deliveryEstimates: DeliveryEstimatesConfig }, true>,
  ) {
    this.settings = config.getOrThrow('deliveryEstimates', { infer: true });
  }

  /** Idempotent: a repeated dispatch of the same tracking number keeps the first record. */
  async recordDispatch(dispatch: DispatchRecord): Promise<void> {
    const keys = laneKeys(dispatch.originPincode, dispatch.destinationPincode);
    try {
      await this.journeys.create({
        _id: dispatch.docketNumber,
        courierService: dispatch.courierService,
        originPincode: dispatch.originPincode,
        destinationPincode: dispatch.destinationPincode,
        districtLane: keys.district,
        subzoneLane: keys.subzone,
        dispatchedAt: dispatch.dispatchedAt,
      });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 11000) throw error;
    }
  }

  /**
   * Turns a journey into a delivered sample once. Unknown tracking numbers (shipped before this
   * module existed) and implausible times are skipped with a log line, never an error.
   * @returns whether a sample was added
   */
  async recordDelivery(docketNumber: string, deliveredAt: Date): Promise<boolean> {
    const journey = await this.journeys.findById(docketNumber).lean();
    if (!journey) {
      this.logger.debug(`No dispatch recorded for ${docketNumber}; its delivery is not a sample`);
      return false;
    }
    if (journey.delivered) return false;
    const transitHours = (deliveredAt.getTime() - journey.dispatchedAt.getTime()) / HOUR_MS;
    if (!(transitHours > 0 && transitHours <= MAX_PLAUSIBLE_TRANSIT_HOURS)) {
      this.logger.warn(
        `Delivery of ${docketNumber} ${transitHours.toFixed(1)} h after dispatch is not a usable transit time`,
      );
      return false;
    }
    // Conditional on `delivered: false`: a repeated event cannot count one parcel twice on
    // MongoDB; on FerretDB (not atomic) a race can only rewrite the same values.
    await this.journeys.updateOne(
      { _id: docketNumber, delivered: false },
      { $set: { delivered: true, deliveredAt, transitHours } },
    );
    this.cache.delete(cacheKey(journey.courierService, 'district', journey.districtLane));
    this.cache.delete(cacheKey(journey.courierService, 'subzone', journey.subzoneLane));
    return true;
  }

  /** Recent transit hours of the lane at each width, narrowest first. */
  async historyFor(
    courierService: string,
    originPincode: string,
    destinationPincode: string,
  ): Promise<LaneHistory[]> {
    const keys = laneKeys(originPincode, destinationPincode);
    return Promise.all(
      LANE_LEVELS.map(async (level) => ({
        level,
        lane: keys[level],
        transitHours: await this.laneSamples(courierService, level, keys[level]),
      })),
    );
  }

  private laneSamples(courierService: string, level: LaneLevel, lane: string): Promise<number[]> {
    const key = cacheKey(courierService, level, lane);
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.transitHours;
    const transitHours = this.loadLane(courierService, level, lane);
    const ttlMs = Math.max(this.settings.cacheSeconds * 1000, 0);
    this.cache.set(key, { transitHours, expiresAt: Date.now() + ttlMs });
    // A failed read is not remembered; with caching off the entry serves only concurrent readers.
    transitHours.then(
      () => ttlMs === 0 && this.forget(key, transitHours),
      () => this.forget(key, transitHours),
    );
    return transitHours;
  }

  private async loadLane(courierService: string, level: LaneLevel, lane: string) {
    const rows = await this.journeys
      .find({ courierService, [LANE_FIELD[level]]: lane, delivered: true })
      .sort({ deliveredAt: -1 })
      .limit(this.settings.historySize)
      .select({ transitHours: 1 })
      .lean();
    return rows.flatMap((r) => (r.transitHours === null ? [] : [r.transitHours]));
  }

  private forget(key: string, entry: Promise<number[]>): void {
    if (this.cache.get(key)?.transitHours === entry) this.cache.delete(key);
  }
}

function cacheKey(courierService: string, level: LaneLevel, lane: string): string {
  return `${courierService}|${level}|${lane}`;
}
