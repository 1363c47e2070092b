import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { OutboxEntriesWrittenEvent } from '../common/outbox/outbox-entry.js';
import { shipmentCreatedEntry } from './tracking-outbox.js';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model, mongo, Types } from 'mongoose';
import type { AuthUser } from '../auth/auth-user.js';
import { Page, skipFor } from '../common/pagination/pagination.js';
import type { AllConfig } from '../config/index.js';
import {
  type CreatedShipment,
  type CreateShipmentInput,
  SEQUEL247_CLIENT,
  type Sequel247Client,
} from '../sequel247/sequel247-client.interface.js';
import { TrackingStatus } from '../sequel247/tracking-status.js';
import { Role } from '../users/role.enum.js';
import { TrackingSyncPassCompletedEvent } from './events/tracking-sync-pass-completed.event.js';
import { Tracking } from './schemas/tracking.schema.js';
import { SyncPassSummary, TrackingPoller } from './tracking-poller.service.js';
import { StoredTracking, toTrackingView, TrackingView } from './tracking-view.js';
import {
  DocketAlreadyUsedError,
  TrackingNotFoundError,
  TrackingSyncInProgressError,
} from './tracking.errors.js';
import { errorMessage } from '../common/errors/error-message.js';

export interface StartTrackingInput {
  orderId: string;
  orderNumber: string;
  userId: string;
  customerEmail: string;
  items: Array<{ product: string; sku: string; name: string; quantity: number }>;
  docketNumber: string;
  courierService?: string;
}

export interface AdminTrackingFilters {
  page: number;
  limit: number;
  status?: TrackingStatus;
  /** true: only stale ones; false: only fresh ones. */
  stale?: boolean;
  /** true: only those whose last sync failed; false: only healthy ones. */
  failing?: boolean;
}

/** A tracking in the admin list: everything but the scan history and the items. */
export type TrackingSummaryView = Omit<TrackingView, 'history' | 'items'>;

/**
 * The Tracking module's public face. The Orders side starts tracking when it ships an order,
 * reads trackings to show them on orders, and acknowledges status changes it applied.
 */
@Injectable()
export class TrackingService {
  private readonly logger = new Logger(TrackingService.name);

  constructor(
    @InjectModel(Tracking.name) private readonly trackings: Model<Tracking>,
    private readonly poller: TrackingPoller,
    private readonly config: ConfigService<AllConfig, true>,
    private readonly events: EventEmitter2,
    @Inject(SEQUEL247_CLIENT) private readonly courier: Sequel247Client,
  ) {}

  private get urlTemplate(): string {
    return this.config.getOrThrow('sequel247.trackingUrlTemplate', { infer: true });
  }

  private view(doc: StoredTracking): TrackingView {
    return toTrackingView(doc, this.urlTemplate);
  }

  /**
   * Starts tracking a docket for an order and polls the courier once (see `registerShipment`
   * and `syncNowQuietly`).
   * @throws DocketAlreadyUsedError when another order already uses the docket
   */
  async startTracking(input: StartTrackingInput): Promise<TrackingView> {
    await this.registerShipment(input);
    return this.syncNowQuietly(input.docketNumber);
  }

  /**
   * Creates the tracking record for an order's docket, idempotently: calling it again for the
   * same order and docket returns the existing tracking. Does not call the courier; the record
   * is due at once, so the next pass polls it if nobody syncs it sooner.
   * @throws DocketAlreadyUsedError when another order already uses the docket
   */
  async registerShipment(input: StartTrackingInput): Promise<TrackingView> {
    const id = input.docketNumber;
    try {
      const created = await this.trackings.create({
        _id: id,
        order: new Types.ObjectId(input.orderId),
        orderNumber: input.orderNumber,
        user: new Types.ObjectId(input.userId),
        customerEmail: input.customerEmail,
        items: input.items.map((item) => ({
          product: new Types.ObjectId(item.product),
          sku: item.sku,
          name: item.name,
          quantity: item.quantity,
        })),
        docketNumber: input.docketNumber,
        courierService: input.courierService ?? 'Sequel247',
        status: TrackingStatus.OrderPlaced,
        nextSyncAt: new Date(),
        orderStatusAcknowledged: TrackingStatus.OrderPlaced,
        outbox: [
          shipmentCreatedEntry(
            {
              order: new Types.ObjectId(input.orderId),
              orderNumber: input.orderNumber,
              user: new Types.ObjectId(input.userId),
              docketNumber: input.docketNumber,
              courierService: input.courierService ?? 'Sequel247',
            },
            new Date(),
          ),
        ],
      });
      this.events.emit(
        OutboxEntriesWrittenEvent.eventName,
        new OutboxEntriesWrittenEvent('trackings', id),
      );
      return this.view(created.toObject<StoredTracking>());
    } catch (error) {
      if (!(error instanceof mongo.MongoServerError && error.code === 11000)) throw error;
      const existing = await this.trackings.findById(id).lean<StoredTracking>();
      if (!existing || String(existing.order) !== input.orderId) {
        throw new DocketAlreadyUsedError(input.docketNumber);
      }
      return this.view(existing);
    }
  }

  /**
   * Polls the courier for one docket now and returns the tracking as stored afterwards. A
   * courier failure is recorded on the tracking (the next pass retries) and never thrown.
   * @throws TrackingNotFoundError when no tracking has this docket
   */
  async syncNowQuietly(docketNumber: string): Promise<TrackingView> {
    try {
      const result = await this.poller.syncOne(docketNumber);
      if (result !== 'synced') {
        this.logger.warn(`Sync of docket ${docketNumber}: ${result}; the next pass will retry`);
      }
    } catch (error) {
      this.logger.warn(`Sync of docket ${docketNumber} failed: ${errorMessage(error)}`);
    }
    const doc = await this.trackings.findById(docketNumber).lean<StoredTracking>();
    if (!doc) throw new TrackingNotFoundError(docketNumber);
    return this.view(doc);
  }

  /**
   * Books a shipment with the courier and returns the docket it issued. Not retried after a
   * timeout (the courier may have booked it): the caller records the docket before anything else.
   * @throws Sequel247Error
   */
  bookShipment(input: CreateShipmentInput): Promise<CreatedShipment> {
    return this.courier.createShipment(input);
  }

  /** Cancels a booking with the courier (one Docket booked but could not use). */
  cancelBooking(docketNumber: string, reason: string): Promise<void> {
    return this.courier.cancelShipment(docketNumber, reason);
  }

  /** These dockets' trackings in one query (by `_id`), keyed by docket; unknown ones absent. */
  async findByDockets(docketNumbers: string[]): Promise<Map<string, TrackingView>> {
    const ids = [...new Set(docketNumbers)];
    const result = new Map<string, TrackingView>();
    if (ids.length === 0) return result;
    const docs = await this.trackings.find({ _id: { $in: ids } }).lean<StoredTracking[]>();
    for (const doc of docs) result.set(doc._id, this.view(doc));
    return result;
  }

  /** The trackings of these orders in one query, keyed by order id (the newest per order). */
  async findByOrderIds(orderIds: string[]): Promise<Map<string, TrackingView>> {
    const ids = [...new Set(orderIds)].filter((id) => isValidObjectId(id));
    const result = new Map<string, TrackingView>();
    if (ids.length === 0) return result;
    const docs = await this.trackings
      .find({ order: { $in: ids.map((id) => new Types.ObjectId(id)) } })
      .sort({ createdAt: 1, _id: 1 })
      .lean<StoredTracking[]>();
    for (const doc of docs) result.set(String(doc.order), this.view(doc));
    return result;
  }

  async findByDocket(docketNumber: string): Promise<TrackingView | null> {
    // By `_id` (the docket): the primary key.
    const doc = await this.trackings.findById(docketNumber).lean<StoredTracking>();
    return doc ? this.view(doc) : null;
  }

  /**
   * A tracking as its customer or an admin may see it. Another customer's docket is reported
   * as not found, so dockets cannot be probed.
   * @throws TrackingNotFoundError
   */
  async getForUser(docketNumber: string, user: AuthUser): Promise<TrackingView> {
    const tracking = await this.findByDocket(docketNumber);
    if (!tracking || (user.role !== Role.Admin && tracking.userId !== user.id)) {
      throw new TrackingNotFoundError(docketNumber);
    }
    return tracking;
  }

  async listAdmin(filters: AdminTrackingFilters): Promise<Page<TrackingSummaryView>> {
    const query: Record<string, unknown> = {};
    if (filters.status) query.status = filters.status;
    if (filters.stale !== undefined) query.stale = filters.stale;
    if (filters.failing !== undefined) {
      query.consecutiveFailures = filters.failing ? { $gt: 0 } : 0;
    }
    const [docs, total] = await Promise.all([
      this.trackings
        .find(query)
        .select({ history: 0, items: 0 })
        .sort({ createdAt: -1, _id: -1 })
        .skip(skipFor(filters))
        .limit(filters.limit)
        .lean<StoredTracking[]>(),
      this.trackings.countDocuments(query),
    ]);
    return {
      items: docs.map((doc) => {
        const { history: _history, items: _items, ...summary } = this.view(doc);
        return summary;
      }),
      page: filters.page,
      limit: filters.limit,
      total,
    };
  }

  /**
   * Polls one docket now, whatever its schedule. A courier failure is recorded on the tracking
   * (see `lastError`), not thrown.
   * @throws TrackingNotFoundError, TrackingSyncInProgressError (a pass holds it right now)
   */
  async refreshNow(docketNumber: string): Promise<TrackingView> {
    const result = await this.poller.syncOne(docketNumber);
    if (result === 'missing') throw new TrackingNotFoundError(docketNumber);
    if (result === 'busy') throw new TrackingSyncInProgressError(docketNumber);
    const updated = await this.findByDocket(docketNumber);
    if (!updated) throw new TrackingNotFoundError(docketNumber);
    return updated;
  }

  /**
   * One sync pass over every due tracking (safe to run on several instances at once), then
   * `TrackingSyncPassCompletedEvent`, whose listeners run before this returns.
   */
  async runPass(): Promise<SyncPassSummary> {
    const summary = await this.poller.runPass();
    try {
      await this.events.emitAsync(
        TrackingSyncPassCompletedEvent.eventName,
        new TrackingSyncPassCompletedEvent(summary.passId, new Date()),
      );
    } catch (error) {
      this.logger.error(`A listener failed after pass ${summary.passId}: ${errorMessage(error)}`);
    }
    return summary;
  }

  /** Re-emits unacknowledged status changes; returns how many. Runs at the end of every pass. */
  reconcile(): Promise<number> {
    return this.poller.reconcile();
  }

  /**
   * The Orders side has applied (or deliberately ignored) `status` for this docket. Only counts
   * while it is still the tracking's status, so an acknowledgement of an older change cannot
   * hide a newer one from reconcile. Returns whether it was recorded.
   */
  async acknowledgeOrderStatus(docketNumber: string, status: TrackingStatus): Promise<boolean> {
    // Read then write by `_id` (a two-field filter would scan the collection on FerretDB). The
    // listener acknowledges while the sync that emitted the event still holds the lease, so no
    // sync write can slip in between.
    const current = await this.trackings.findById(docketNumber, { status: 1 }).lean();
    if (!current || current.status !== status) return false;
    await this.trackings.updateOne(
      { _id: docketNumber },
      { $set: { orderStatusAcknowledged: status, orderAckPending: false } },
    );
    return true;
  }
}
