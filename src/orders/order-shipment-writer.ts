import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { errorMessage } from '../common/errors/error-message.js';
import { OutboxEntriesWrittenEvent } from '../common/outbox/outbox-entry.js';
import { ProductsService } from '../products/products.service.js';
import { latestMoved, movesTo, orderStatusFromShipments, shipmentsOf } from './order-fulfilment.js';
import { statusChangedEntry } from './order-outbox-entries.js';
import type { OrderStatus } from './order-status.js';
import { OrderSnapshots } from './order-snapshots.service.js';
import { OrderSummaries } from './order-summaries.service.js';
import { OrderWriteLock } from './order-write-lock.js';
import { OrderBusyError, OrderNotFoundError } from './orders.errors.js';
import type { StatusChangeContext } from './orders.service.js';
import {
  type OrderShipment,
  type ShipmentLine,
  ShipmentStage,
} from './schemas/order-shipment.schema.js';
import { type LeanOrder, Order, type StatusChange } from './schemas/order.schema.js';

const ATTEMPTS = 5;

/** What a change to an order's parcels wants written. */
export interface Change {
  shipments: OrderShipment[];
  cancelledLines?: ShipmentLine[];
  /** Lines whose units go back on the shelf once this change is stored (exactly once). */
  restock?: ShipmentLine[];
  /** True when the change itself writes nothing new (only the order status may follow). */
  unchanged?: boolean;
}

export interface ShipmentsWrite {
  order: LeanOrder;
  moved: OrderStatus[];
}

/**
 * Writes every change of an order's parcels (`shipments`) and cancelled lines. Each write is ONE
 * update conditional on the `shipmentsVersion` and `status` it read, under OrderWriteLock: on
 * MongoDB the condition makes it atomic across instances, on FerretDB (one process) the lock
 * does (FerretDB checks the filter and writes in two steps). So two ship calls racing for the
 * same units cannot both claim them: the loser re-reads and is judged again on what is left.
 * The order status the parcels imply is applied in the same update (through the state
 * machine), with an `order.status_changed` outbox record per move, and restocking is done only
 * by the write that moved a parcel to cancelled or returned, so units go back exactly once.
 */
@Injectable()
export class OrderShipmentWriter {
  private readonly logger = new Logger(OrderShipmentWriter.name);

  constructor(
    @InjectModel(Order.name) private readonly orders: Model<Order>,
    private readonly writes: OrderWriteLock,
    private readonly products: ProductsService,
    private readonly summaries: OrderSummaries,
    private readonly snapshots: OrderSnapshots,
    private readonly events: EventEmitter2,
  ) {}

  /**
   * Read → change → one conditional update (version + status), retried when another write got
   * in between. The order status moves as the parcels imply, recorded in `statusHistory`;
   * `trackingNumber`/`courierService` name the parcel that moved last (the seed's single docket).
   */
  async apply(
    orderId: string,
    context: StatusChangeContext,
    change: (order: LeanOrder, shipments: OrderShipment[]) => Change | null,
    /** The order as the caller just read it: saves the first read (a stale one only costs a retry). */
    known?: LeanOrder,
  ): Promise<ShipmentsWrite> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const order =
        attempt === 0 && known ? known : await this.orders.findById(orderId).lean<LeanOrder>();
      if (!order) throw new OrderNotFoundError(orderId);
      const shipments = shipmentsOf(order).map(copyOf);
      const result = change(order, shipments);
      if (!result) return { order, moved: [] };
      const view: LeanOrder = {
        ...order,
        cancelledLines: result.cancelledLines ?? order.cancelledLines,
      };
      const moves = movesTo(
        order.status,
        orderStatusFromShipments(view, result.shipments),
        context.source,
      );
      if (result.unchanged && moves.length === 0) return { order, moved: [] };

      const now = new Date();
      const entries: StatusChange[] = [];
      let from = order.status;
      for (const to of moves) {
        entries.push({
          from,
          to,
          at: now,
          source: context.source,
          actor: context.actor,
          note: context.note ?? null,
        });
        from = to;
      }
      // Each status change's outbox record rides in the same update (see OrdersService.transition).
      const records = entries.map((entry, i) => statusChangedEntry(order, entry, i));
      const latest = latestMoved(result.shipments.filter((s) => s.stage === ShipmentStage.Shipped));
      const set: Record<string, unknown> = {
        shipments: result.shipments,
        shipmentsVersion: (order.shipmentsVersion ?? 0) + 1,
        status: from,
      };
      if (result.cancelledLines) set.cancelledLines = result.cancelledLines;
      const interrupted = result.shipments.some((s) => s.stage === ShipmentStage.Requested);
      const unset = interrupted ? {} : { shipmentRequested: 1 };
      if (interrupted) set.shipmentRequested = true;
      if (records.length > 0) set.outboxPending = true;
      if (latest) {
        set.trackingNumber = latest.docketNumber;
        set.courierService = latest.courierService;
      }
      const updated = await this.writes.run(orderId, async () => {
        const after = await this.orders
          .findOneAndUpdate(
            {
              _id: order._id,
              status: order.status,
              shipmentsVersion:
                order.shipmentsVersion === undefined
                  ? trusted({ $exists: false })
                  : order.shipmentsVersion,
            },
            {
              $set: set,
              ...(interrupted ? {} : { $unset: unset }),
              ...(entries.length > 0
                ? { $push: { statusHistory: { $each: entries }, outbox: { $each: records } } }
                : {}),
            },
            { returnDocument: 'after' },
          )
          .lean<LeanOrder>();
        // Inside the order's lock, so this instance stores its read models in write order.
        if (after) {
          // Every parcel change moves the order's revision, which the summary names.
          await Promise.all([this.summaries.record(after), this.snapshots.record(after)]);
        }
        return after;
      });
      if (!updated) continue;
      if (records.length > 0) {
        this.events.emit(
          OutboxEntriesWrittenEvent.eventName,
          new OutboxEntriesWrittenEvent('orders', String(updated._id)),
        );
      }
      if (result.restock?.length) await this.restock(order.orderNumber, result.restock);
      return { order: updated, moved: moves };
    }
    throw new OrderBusyError(orderId);
  }

  /** Units back on the shelf; a failure is logged with what is owed (never thrown). */
  private async restock(orderNumber: string, lines: ShipmentLine[]): Promise<void> {
    try {
      await this.products.releaseStock(
        lines.map((l) => ({ productId: String(l.product), quantity: l.quantity })),
      );
    } catch (error) {
      this.logger.error(
        `Stock for order ${orderNumber} not fully put back (${lines
          .map((l) => `${l.quantity}×${l.sku}`)
          .join(', ')}): ${errorMessage(error)}`,
      );
    }
  }
}

/** A copy a change can edit (ObjectIds and Dates shared: they are never mutated). */
function copyOf(shipment: OrderShipment): OrderShipment {
  return {
    ...shipment,
    lines: shipment.lines.map((line) => ({ ...line })),
    history: shipment.history.map((scan) => ({ ...scan })),
  };
}
