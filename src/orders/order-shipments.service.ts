import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { errorMessage } from '../common/errors/error-message.js';
import { canMoveTo, TRACKING_STATUS_RANK, TrackingStatus } from '../courier/tracking-status.js';
import { DeliveryEstimatesService } from '../delivery-estimates/delivery-estimates.service.js';
import {
  latestMoved,
  linesToShip,
  type RequestedLine,
  shipmentsOf,
  unshippedByProduct,
  isLive,
} from './order-fulfilment.js';
import { SHIPPABLE_STATUSES } from './order-state-machine.js';
import { OrderStatus } from './order-status.js';
import { OrderShipmentWriter, type ShipmentsWrite } from './order-shipment-writer.js';
import {
  IllegalStatusTransitionError,
  OrderAlreadyShippedError,
  OrderBusyError,
  OrderNotFoundError,
  QuantityNotShippableError,
  ShipmentInProgressError,
  ShipmentNotFoundError,
  ShipmentNotReturnableError,
} from './orders.errors.js';
import type { StatusChangeContext } from './orders.service.js';
import {
  type OrderShipment,
  type ShipmentLine,
  type ShipmentScan,
  ShipmentStage,
} from './schemas/order-shipment.schema.js';
import { type LeanOrder, Order } from './schemas/order.schema.js';

/** Statuses an order can take a new parcel in (`shipped` with units still unshipped). */
const TAKES_PARCELS: readonly OrderStatus[] = [...SHIPPABLE_STATUSES, OrderStatus.Shipped];

/** The courier has the parcel from here on: it has left the store. */
const LEFT_RANK = TRACKING_STATUS_RANK[TrackingStatus.OnTheRoad];

export interface NewShipment {
  docketNumber: string;
  courierService: string;
  carrierName: string | null;
  booked: boolean;
  lines: ShipmentLine[];
  requestedBy: string;
  note: string | null;
}

/** A tracking update for one parcel, as the tracking events carry it. */
export interface ShipmentTrackingUpdate {
  docketNumber: string;
  status: TrackingStatus;
  estimatedDelivery: Date | null;
  history: ShipmentScan[];
  occurredAt: Date;
}

/**
 * What can happen to an order's parcels: claim units for a new parcel, mark it shipped, apply
 * its tracking, record its return, cancel what is unshipped. Each is one change written by
 * OrderShipmentWriter (one conditional update; see there why no unit is claimed twice).
 */
@Injectable()
export class OrderShipmentsService {
  private readonly logger = new Logger(OrderShipmentsService.name);

  constructor(
    @InjectModel(Order.name) private readonly orders: Model<Order>,
    private readonly writer: OrderShipmentWriter,
    private readonly estimates: DeliveryEstimatesService,
  ) {}

  /**
   * Step 1 of shipping: claims `lines` (default: every unshipped unit) for a new parcel on the
   * order. Returns the order with the parcel. A parcel with this docket already on the order is
   * returned as it is (a repeated call).
   * @throws IllegalStatusTransitionError | QuantityNotShippableError | OrderAlreadyShippedError |
   *   ShipmentInProgressError
   */
  async request(
    orderId: string,
    shipment: Omit<NewShipment, 'lines'> & { requested?: RequestedLine[] },
    context: StatusChangeContext,
    known?: LeanOrder,
  ): Promise<{ order: LeanOrder; shipment: OrderShipment }> {
    const { order } = await this.writer.apply(
      orderId,
      context,
      (current, shipments) => {
        if (shipments.some((s) => s.docketNumber === shipment.docketNumber)) return null;
        this.assertCanTakeParcel(current, shipments, shipment.requested);
        const { lines } = linesToShip(current, shipments, shipment.requested);
        const now = new Date();
        const { requested: _requested, ...fields } = shipment;
        shipments.push({
          ...fields,
          lines,
          stage: ShipmentStage.Requested,
          status: TrackingStatus.OrderPlaced,
          estimatedDelivery: null,
          history: [],
          requestedAt: now,
          shippedAt: null,
          lastMovedAt: now,
          lastUpdatedAt: null,
          deliveredAt: null,
          returnedAt: null,
          restockedAt: null,
        });
        return { shipments };
      },
      known,
    );
    const stored = shipmentsOf(order).find((s) => s.docketNumber === shipment.docketNumber);
    if (!stored) throw new OrderBusyError(orderId);
    return { order, shipment: stored };
  }

  /**
   * Whether a new parcel can be taken with these lines; throws the reason when not (nothing is
   * written). Used before booking with a courier, and again inside the claiming write.
   */
  assertCanTakeParcel(
    order: LeanOrder,
    shipments: readonly OrderShipment[],
    requested: readonly RequestedLine[] | undefined,
  ): void {
    if (!TAKES_PARCELS.includes(order.status)) {
      throw new IllegalStatusTransitionError(order.status, OrderStatus.Shipped, order.orderNumber);
    }
    const { lines, unshippable } = linesToShip(order, shipments, requested);
    if (unshippable.length > 0) throw new QuantityNotShippableError(order.orderNumber, unshippable);
    if (lines.length > 0) return;
    const pending = shipments.find((s) => s.stage === ShipmentStage.Requested && isLive(s));
    if (pending) throw new ShipmentInProgressError(order.orderNumber, pending.docketNumber);
    const last = latestMoved(shipments.filter(isLive));
    throw new OrderAlreadyShippedError(order.orderNumber, last?.docketNumber ?? '');
  }

  /** Steps 2–3 done: the parcel is tracked and has left; the order status follows. Idempotent. */
  async markShipped(
    orderId: string,
    docketNumber: string,
    context: StatusChangeContext,
    known?: LeanOrder,
  ): Promise<ShipmentsWrite> {
    const write = await this.writer.apply(
      orderId,
      context,
      (order, shipments) => {
        const shipment = this.find(order, shipments, docketNumber);
        if (shipment.stage === ShipmentStage.Shipped) return { shipments, unchanged: true };
        const now = new Date();
        shipment.stage = ShipmentStage.Shipped;
        shipment.shippedAt = now;
        shipment.lastMovedAt = now;
        return { shipments };
      },
      known,
    );
    await this.recordDispatch(write.order, docketNumber);
    return write;
  }

  /**
   * Tells Delivery estimates the parcel left (idempotent, so a repeated or repaired ship call
   * records it once). Only a transit-time sample is at stake: a failure is logged, not thrown.
   */
  private async recordDispatch(order: LeanOrder, docketNumber: string): Promise<void> {
    const shipment = shipmentsOf(order).find((s) => s.docketNumber === docketNumber);
    if (!shipment?.shippedAt) return;
    try {
      await this.estimates.recordDispatch({
        docketNumber,
        courierService: shipment.courierService,
        destinationPincode: order.shippingAddress.pincode,
        dispatchedAt: shipment.shippedAt,
      });
    } catch (error) {
      this.logger.warn(
        `Dispatch of ${docketNumber} not recorded for estimates: ${errorMessage(error)}`,
      );
    }
  }

  /** Forgets a requested parcel that could not go ahead (its docket belongs to another order). */
  async drop(orderId: string, docketNumber: string, context: StatusChangeContext): Promise<void> {
    await this.writer.apply(orderId, context, (_order, shipments) => {
      const kept = shipments.filter(
        (s) => !(s.docketNumber === docketNumber && s.stage === ShipmentStage.Requested),
      );
      return kept.length === shipments.length ? null : { shipments: kept };
    });
  }

  /**
   * Applies a tracking update to its parcel: forwards only (a stale poll cannot undo
   * `delivered`), then the order status the parcels imply. A parcel the courier cancelled or
   * returned to origin puts its units back in stock, once. Idempotent (replays change nothing,
   * but still bring the order status up to its parcels).
   */
  async applyTracking(
    orderId: string,
    update: ShipmentTrackingUpdate,
    context: StatusChangeContext,
  ): Promise<ShipmentsWrite | null> {
    try {
      return await this.writer.apply(orderId, context, (order, shipments) => {
        const shipment = shipments.find((s) => s.docketNumber === update.docketNumber);
        if (!shipment) {
          this.logger.warn(
            `Tracking update for ${update.docketNumber} ignored: order ${order.orderNumber} has no such shipment`,
          );
          return null;
        }
        let changed = false;
        if (update.history.length > shipment.history.length) {
          shipment.history = update.history;
          changed = true;
        }
        if (
          update.estimatedDelivery &&
          update.estimatedDelivery.getTime() !== shipment.estimatedDelivery?.getTime()
        ) {
          shipment.estimatedDelivery = update.estimatedDelivery;
          changed = true;
        }
        let restock: ShipmentLine[] | undefined;
        if (update.status !== shipment.status && canMoveTo(shipment.status, update.status)) {
          restock = this.moveParcel(shipment, update.status, update.occurredAt);
          changed = true;
        }
        if (
          shipment.stage === ShipmentStage.Requested &&
          TRACKING_STATUS_RANK[shipment.status] >= LEFT_RANK &&
          isLive(shipment)
        ) {
          // A half-done ship call the courier already carries.
          shipment.stage = ShipmentStage.Shipped;
          shipment.shippedAt ??= update.occurredAt;
          changed = true;
        }
        if (changed) shipment.lastUpdatedAt = new Date();
        return { shipments, restock, unchanged: !changed };
      });
    } catch (error) {
      if (error instanceof OrderNotFoundError) {
        this.logger.warn(`Tracking update for ${update.docketNumber}: order ${orderId} not found`);
        return null;
      }
      throw error;
    }
  }

  /**
   * An admin records that a parcel came back (refused, undeliverable, or returned after
   * delivery): its units go back in stock once; the order becomes `returned` when every shipped
   * unit is back. Repeating it changes nothing.
   * @throws ShipmentNotFoundError | ShipmentNotReturnableError
   */
  async recordReturn(
    orderId: string,
    docketNumber: string,
    context: StatusChangeContext,
  ): Promise<ShipmentsWrite> {
    return this.writer.apply(orderId, context, (order, shipments) => {
      const shipment = this.find(order, shipments, docketNumber);
      if (shipment.status === TrackingStatus.ReturnedToOrigin) {
        return { shipments, unchanged: true };
      }
      if (!isLive(shipment)) {
        throw new ShipmentNotReturnableError(docketNumber, 'the courier cancelled it');
      }
      if (shipment.stage !== ShipmentStage.Shipped) {
        throw new ShipmentNotReturnableError(docketNumber, 'it has not been shipped yet');
      }
      const restock = this.moveParcel(shipment, TrackingStatus.ReturnedToOrigin, new Date());
      if (context.note) shipment.note = context.note;
      return { shipments, restock };
    });
  }

  /**
   * Cancels the units not in any parcel and puts them back in stock (the parcels already sent
   * go on). The order then follows its parcels (e.g. `shipped` when every remaining unit left).
   * @throws IllegalStatusTransitionError when nothing is left unshipped
   */
  async cancelUnshipped(orderId: string, context: StatusChangeContext): Promise<ShipmentsWrite> {
    return this.writer.apply(orderId, context, (order, shipments) => {
      const left = unshippedByProduct(order, shipments);
      const lines: ShipmentLine[] = order.items
        .filter((item) => (left.get(String(item.product)) ?? 0) > 0)
        .map((item) => ({
          product: item.product,
          sku: item.sku,
          name: item.name,
          quantity: left.get(String(item.product))!,
        }));
      if (lines.length === 0) {
        throw new IllegalStatusTransitionError(
          order.status,
          OrderStatus.Cancelled,
          order.orderNumber,
        );
      }
      return {
        shipments,
        cancelledLines: [...(order.cancelledLines ?? []), ...lines],
        restock: lines,
      };
    });
  }

  /** Orders with a parcel whose ship steps were interrupted before `before`. */
  async findInterrupted(before: Date, limit: number): Promise<LeanOrder[]> {
    const flagged = await this.orders
      .find({ shipmentRequested: true })
      .limit(limit)
      .lean<LeanOrder[]>();
    return flagged.filter((order) =>
      shipmentsOf(order).some(
        (s) => s.stage === ShipmentStage.Requested && s.requestedAt.getTime() <= before.getTime(),
      ),
    );
  }

  /** Sets the parcel's new status; returns its lines when they are to go back in stock. */
  private moveParcel(
    shipment: OrderShipment,
    status: TrackingStatus,
    at: Date,
  ): ShipmentLine[] | undefined {
    shipment.status = status;
    shipment.lastMovedAt = new Date();
    shipment.lastUpdatedAt = shipment.lastMovedAt;
    if (status === TrackingStatus.Delivered) shipment.deliveredAt = at;
    if (status === TrackingStatus.ReturnedToOrigin) shipment.returnedAt = at;
    const backOnShelf =
      status === TrackingStatus.ReturnedToOrigin || status === TrackingStatus.Cancelled;
    if (!backOnShelf || shipment.restockedAt) return undefined;
    // Claimed in the same conditional write as the move: only its winner restocks.
    shipment.restockedAt = new Date();
    return shipment.lines;
  }

  private find(order: LeanOrder, shipments: OrderShipment[], docketNumber: string) {
    const shipment = shipments.find((s) => s.docketNumber === docketNumber);
    if (!shipment) throw new ShipmentNotFoundError(order.orderNumber, docketNumber);
    return shipment;
  }
}
