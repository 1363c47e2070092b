import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { OutboxEntriesWrittenEvent } from '../common/outbox/outbox-entry.js';
import { shipmentCreatedEntry } from './tracking-outbox.js';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model, Types } from 'mongoose';
import type { AuthUser } from '../auth/auth-user.js';
import { Page, skipFor } from '../common/pagination/pagination.js';
import type {
  CreatedShipment,
  CreateShipmentInput,
} from '../courier/courier-provider.interface.js';
import { CourierRegistry } from '../courier/courier-registry.js';
import { TrackingStatus } from '../courier/tracking-status.js';
import { Role } from '../users/role.enum.js';
import { TrackingSyncPassCompletedEvent } from './events/tracking-sync-pass-completed.event.js';
import { Tracking } from './schemas/tracking.schema.js';
import { dueMinuteOf } from './tracking-state.js';
import { SyncPassSummary, TrackingPoller } from './tracking-poller.service.js';
import { StoredTracking, toTrackingView, TrackingView } from './tracking-view.js';
import {
  DocketAlreadyUsedError,
  TrackingNotFoundError,
  TrackingStatusNotAllowedError,
  TrackingSyncInProgressError,
} from './tracking.errors.js';
import { ValidationFailedError } from '../common/errors/domain-error.js';
import { CourierCapabilityError } from '../courier/courier.errors.js';
import { canMoveTo } from '../courier/tracking-status.js';

/** A milestone recorded by an admin (see `recordManualScan`). */
export interface ManualScan {
  status: TrackingStatus;
  at: Date;
  location?: string;
  note?: string;
  estimatedDelivery?: Date;
}

/** Clock skew allowed between an admin's device and the server. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
import { errorMessage } from '../common/errors/error-message.js';
import { isDuplicateKeyError } from '../common/database/duplicate-key.js';

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
    private readonly events: EventEmitter2,
    private readonly couriers: CourierRegistry,
  ) {}

  private view(doc: StoredTracking): TrackingView {
    const provider = this.couriers.has(doc.courierService)
      ? this.couriers.get(doc.courierService)
      : null;
    return toTrackingView(doc, (n) => provider?.trackingUrl(n) ?? null);
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
    const now = new Date();
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
        // Couriers Docket cannot poll (manual) get their news from an admin instead.
        ...(this.couriers.get(input.courierService ?? 'Sequel247').capabilities.polling
          ? { nextSyncAt: now, dueMinute: dueMinuteOf(now) }
          : { nextSyncAt: null, dueMinute: null }),
        orderStatusAcknowledged: TrackingStatus.OrderPlaced,
        outboxPending: true,
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
      if (!isDuplicateKeyError(error)) throw error;
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
   * @throws UnknownCourierError | CourierCapabilityError | the provider's errors
   */
  bookShipment(courierService: string, input: CreateShipmentInput): Promise<CreatedShipment> {
    return this.couriers.get(courierService).book(input);
  }

  /** Cancels a booking with the courier (one Docket booked but could not use). */
  cancelBooking(courierService: string, docketNumber: string, reason: string): Promise<void> {
    return this.couriers.get(courierService).cancel(docketNumber, reason);
  }

  /**
   * These dockets' trackings, keyed by docket; unknown ones absent. One lookup by `_id` per
   * docket, in parallel: an `_id` equality is an index lookup on MongoDB and on FerretDB, while
   * FerretDB would answer one `$in` by reading the whole collection.
   */
  async findByDockets(docketNumbers: string[]): Promise<Map<string, TrackingView>> {
    const ids = [...new Set(docketNumbers)];
    const docs = await Promise.all(
      ids.map((id) => this.trackings.findById(id).lean<StoredTracking>()),
    );
    const result = new Map<string, TrackingView>();
    for (const doc of docs) if (doc) result.set(doc._id, this.view(doc));
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
    const current = await this.findByDocket(docketNumber);
    if (!current) throw new TrackingNotFoundError(docketNumber);
    if (!this.couriers.get(current.courierService).capabilities.polling) {
      throw new CourierCapabilityError(current.courierService, 'polling (record its milestones)');
    }
    const result = await this.poller.syncOne(docketNumber);
    if (result === 'missing') throw new TrackingNotFoundError(docketNumber);
    if (result === 'busy') throw new TrackingSyncInProgressError(docketNumber);
    const updated = await this.findByDocket(docketNumber);
    if (!updated) throw new TrackingNotFoundError(docketNumber);
    return updated;
  }

  /**
   * Records a milestone an admin reports for a parcel of a courier without an API, exactly as a
   * courier scan: merged into the history (a repeat is not added twice), the status moves
   * forward only, and the same events follow (so the order moves as for Sequel247).
   * @throws TrackingNotFoundError | CourierCapabilityError (a polled courier) |
   *   ValidationFailedError (a time in the future) | TrackingStatusNotAllowedError |
   *   TrackingSyncInProgressError
   */
  async recordManualScan(docketNumber: string, scan: ManualScan): Promise<TrackingView> {
    const current = await this.findByDocket(docketNumber);
    if (!current) throw new TrackingNotFoundError(docketNumber);
    const courier = this.couriers.get(current.courierService);
    if (!courier.capabilities.manualScans) {
      throw new CourierCapabilityError(
        current.courierService,
        'milestones recorded by hand (its scans come from the courier)',
      );
    }
    if (scan.at.getTime() > Date.now() + FUTURE_TOLERANCE_MS) {
      throw new ValidationFailedError([
        { field: 'at', messages: ['at must not be in the future'] },
      ]);
    }
    if (!canMoveTo(current.status, scan.status)) {
      throw new TrackingStatusNotAllowedError(docketNumber, current.status, scan.status);
    }
    const result = await this.poller.recordOne(docketNumber, {
      docketNumber,
      rawStatusCode: scan.status,
      status: scan.status,
      estimatedDelivery: scan.estimatedDelivery ?? current.estimatedDelivery,
      scans: [
        {
          code: scan.status,
          status: scan.status,
          description: scan.note ?? `${scan.status} (recorded by an admin)`,
          location: scan.location ?? null,
          occurredAt: scan.at,
        },
      ],
    });
    if (result === 'missing') throw new TrackingNotFoundError(docketNumber);
    if (result !== 'synced') throw new TrackingSyncInProgressError(docketNumber);
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
        new TrackingSyncPassCompletedEvent(summary.passId, new Date(), summary),
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
}
