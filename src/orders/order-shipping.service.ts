import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AuthUser } from '../auth/auth-user.js';
import { ValidationFailedError } from '../common/errors/domain-error.js';
import type { AllConfig } from '../config/index.js';
import { KeyedMutex } from '../products/keyed-mutex.js';
import type { CreateShipmentInput } from '../courier/courier-provider.interface.js';
import { TrackingService } from '../tracking/tracking.service.js';
import { DocketAlreadyUsedError } from '../tracking/tracking.errors.js';
import type { OrderDto } from './dto/order.dto.js';
import type { ShipOrderDto } from './dto/ship-order.dto.js';
import { SHIPPABLE_STATUSES } from './order-state-machine.js';
import { OrderStatus, StatusChangeSource } from './order-status.js';
import {
  IllegalStatusTransitionError,
  OrderAlreadyShippedError,
  ShipmentInProgressError,
} from './orders.errors.js';
import { isShippable, OrdersService, StatusChangeContext } from './orders.service.js';
import type { LeanOrder, ShipmentRequest } from './schemas/order.schema.js';
import { errorMessage } from '../common/errors/error-message.js';

const DEFAULT_COURIER = 'Sequel247';
const DEFAULT_PARCEL_GRAMS = 100;
const REPAIR_BATCH = 100;
const REPAIR_ACTOR = 'shipping-repair';

/**
 * Ships orders: with a docket the admin has, or by booking with the courier. No transactions,
 * so the writes go in an order that a crash cannot leave ambiguous:
 *
 * 1. the shipment request (docket, courier, who, when) is recorded on the order;
 * 2. the tracking record is created (its unique docket is what stops two orders sharing one);
 * 3. the order moves to `shipped` with its docket;
 * 4. the courier is polled once (a failure there leaves the tracking due for the next pass).
 *
 * Repeating the call resumes from wherever it stopped; so does `repairHalfShipped`, which runs
 * after every tracking sync pass for requests older than `SHIPPING_REPAIR_AFTER_SECONDS`.
 */
@Injectable()
export class OrderShippingService {
  private readonly logger = new Logger(OrderShippingService.name);
  /** One ship flow per order at a time in this process (a booking must not be made twice). */
  private readonly flows = new KeyedMutex();

  constructor(
    private readonly orders: OrdersService,
    private readonly tracking: TrackingService,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  /**
   * @throws ValidationFailedError | OrderNotFoundError | OrderAlreadyShippedError |
   *   ShipmentInProgressError | IllegalStatusTransitionError | DocketAlreadyUsedError |
   *   Sequel247Error (booking)
   */
  async ship(ref: string, dto: ShipOrderDto, admin: AuthUser): Promise<OrderDto> {
    if (dto.book === true && dto.docketNumber !== undefined) {
      throw new ValidationFailedError([
        { field: 'book', messages: ['book cannot be true when a docketNumber is given'] },
      ]);
    }
    const orderId = String((await this.orders.findForShipping(ref))._id);
    return this.flows.run(orderId, () => this.shipOne(orderId, dto, admin));
  }

  private async shipOne(orderId: string, dto: ShipOrderDto, admin: AuthUser): Promise<OrderDto> {
    let order = await this.orders.findForShipping(orderId);
    const wanted = dto.docketNumber ?? null; // null: book one
    const context: StatusChangeContext = {
      source: StatusChangeSource.Admin,
      actor: admin.id,
      note: dto.note ?? null,
    };

    if (order.trackingNumber) {
      if (!this.isRepeat(order, wanted)) {
        throw new OrderAlreadyShippedError(order.orderNumber, order.trackingNumber);
      }
      // The same call again: make sure every step happened, and answer as before.
      await this.complete(order, this.requestOf(order), context);
      return this.orders.toView(await this.orders.findForShipping(orderId));
    }
    if (!isShippable(order)) {
      throw new IllegalStatusTransitionError(order.status, OrderStatus.Shipped, order.orderNumber);
    }

    let request = order.shipment;
    if (request) {
      if (!this.isRepeat(order, wanted)) {
        throw new ShipmentInProgressError(order.orderNumber, request.docketNumber);
      }
    } else {
      if (wanted) await this.assertDocketFree(wanted, order);
      const docket = wanted ?? (await this.book(order, dto));
      order = await this.orders.recordShipmentRequest(orderId, {
        docketNumber: docket,
        courierService: dto.courierService ?? DEFAULT_COURIER,
        booked: wanted === null,
        requestedBy: admin.id,
        requestedAt: new Date(),
      });
      if (order.shipment?.docketNumber !== docket) {
        // Another instance recorded its request first.
        if (wanted === null) await this.cancelUnusedBooking(docket, order.orderNumber);
        throw new ShipmentInProgressError(order.orderNumber, order.shipment?.docketNumber ?? '');
      }
      request = order.shipment;
    }

    await this.complete(order, request, context);
    await this.tracking.syncNowQuietly(request.docketNumber);
    return this.orders.toView(await this.orders.findForShipping(orderId));
  }

  /**
   * Completes shipments whose request was recorded long enough ago but whose order never reached
   * `shipped`. Returns how many it completed.
   */
  async repairHalfShipped(): Promise<number> {
    const { shippingRepairAfterSeconds } = this.config.getOrThrow('orders', { infer: true });
    const before = new Date(Date.now() - shippingRepairAfterSeconds * 1000);
    const stuck = await this.orders.findHalfShipped(before, REPAIR_BATCH);
    let repaired = 0;
    for (const candidate of stuck) {
      const orderId = String(candidate._id);
      try {
        const done = await this.flows.run(orderId, async () => {
          const order = await this.orders.findForShipping(orderId);
          if (!order.shipment || !SHIPPABLE_STATUSES.includes(order.status)) return false;
          await this.complete(order, order.shipment, {
            source: StatusChangeSource.System,
            actor: REPAIR_ACTOR,
            note: 'Completed a shipment that was interrupted',
          });
          return true;
        });
        if (done) repaired += 1;
      } catch (error) {
        this.logger.error(
          `Could not complete the shipment of order ${orderId}: ${errorMessage(error)}`,
        );
      }
    }
    if (repaired > 0) this.logger.warn(`Completed ${repaired} interrupted shipment(s)`);
    return repaired;
  }

  /** Steps 2 and 3; both idempotent. */
  private async complete(
    order: LeanOrder,
    request: ShipmentRequest,
    context: StatusChangeContext,
  ): Promise<void> {
    const orderId = String(order._id);
    try {
      await this.tracking.registerShipment({
        orderId,
        orderNumber: order.orderNumber,
        userId: String(order.user),
        customerEmail: order.customerEmail,
        items: order.items.map((item) => ({
          product: String(item.product),
          sku: item.sku,
          name: item.name,
          quantity: item.quantity,
        })),
        docketNumber: request.docketNumber,
        courierService: request.courierService,
      });
    } catch (error) {
      if (error instanceof DocketAlreadyUsedError) {
        await this.orders.dropShipmentRequest(orderId, request.docketNumber);
      }
      throw error;
    }
    const note =
      context.note ??
      (request.booked
        ? `Booked with ${request.courierService}: docket ${request.docketNumber}`
        : `Shipped with ${request.courierService} docket ${request.docketNumber}`);
    await this.orders.markShipped(orderId, request.docketNumber, request.courierService, {
      ...context,
      note,
    });
  }

  /** Whether this call asks for what the order already has (same docket, or a booking). */
  private isRepeat(order: LeanOrder, wanted: string | null): boolean {
    const docket = order.trackingNumber ?? order.shipment?.docketNumber;
    if (wanted !== null) return wanted === docket;
    return order.shipment?.booked === true && order.shipment.docketNumber === docket;
  }

  private requestOf(order: LeanOrder): ShipmentRequest {
    if (order.shipment) return order.shipment;
    // Shipped before shipment requests were recorded (or by hand with a docket): rebuild it.
    return {
      docketNumber: order.trackingNumber ?? '',
      courierService: order.courierService ?? DEFAULT_COURIER,
      booked: false,
      requestedBy: '',
      requestedAt: order.updatedAt,
    };
  }

  private async assertDocketFree(docket: string, order: LeanOrder): Promise<void> {
    const [existing] = (await this.tracking.findByDockets([docket])).values();
    if (existing && existing.orderId !== String(order._id))
      throw new DocketAlreadyUsedError(docket);
  }

  /** Books the parcel with the courier; nothing is written if this fails. */
  private async book(order: LeanOrder, dto: ShipOrderDto): Promise<string> {
    const address = order.shippingAddress;
    const grams = dto.weightGrams ?? DEFAULT_PARCEL_GRAMS;
    const input: CreateShipmentInput = {
      reference: order.orderNumber,
      serviceType: 'valuable',
      consignee: {
        name: address.fullName,
        phone: address.phone,
        addressLine1: address.line1,
        ...(address.line2 ? { addressLine2: address.line2 } : {}),
        pincode: address.pincode,
      },
      netWeightGrams: grams,
      grossWeightGrams: grams,
      netValuePaise: order.subtotalPaise,
      codValuePaise: 0,
      packages: dto.packages ?? 1,
      ...(dto.pickUpDate ? { pickUpDate: dto.pickUpDate } : {}),
    };
    const booked = await this.tracking.bookShipment(DEFAULT_COURIER, input);
    this.logger.log(`Booked docket ${booked.docketNumber} for order ${order.orderNumber}`);
    return booked.docketNumber;
  }

  private async cancelUnusedBooking(docket: string, orderNumber: string): Promise<void> {
    try {
      await this.tracking.cancelBooking(
        DEFAULT_COURIER,
        docket,
        `Duplicate booking for order ${orderNumber}`,
      );
    } catch (error) {
      this.logger.error(
        `Docket ${docket} was booked for ${orderNumber} but not used, and cancelling it failed: ${errorMessage(error)}`,
      );
    }
  }
}
