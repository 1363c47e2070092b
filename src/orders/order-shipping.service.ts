import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AuthUser } from '../auth/auth-user.js';
import { ValidationFailedError } from '../common/errors/domain-error.js';
import { errorMessage } from '../common/errors/error-message.js';
import type { AllConfig } from '../config/index.js';
import type {
  CourierProvider,
  CreateShipmentInput,
} from '../courier/courier-provider.interface.js';
import { CourierRegistry } from '../courier/courier-registry.js';
import { CourierCapabilityError } from '../courier/courier.errors.js';
import { matchesRule } from '../courier/docket-rules.js';
import { KeyedMutex } from '../products/keyed-mutex.js';
import { TrackingService } from '../tracking/tracking.service.js';
import { DocketAlreadyUsedError } from '../tracking/tracking.errors.js';
import type { OrderDto } from './dto/order.dto.js';
import type { ShipOrderDto } from './dto/ship-order.dto.js';
import { isLive, linesToShip, shipmentsOf, unshippedByProduct } from './order-fulfilment.js';
import { OrderShipmentsService } from './order-shipments.service.js';
import { StatusChangeSource } from './order-status.js';
import { OrdersService, type StatusChangeContext } from './orders.service.js';
import { type OrderShipment, ShipmentStage } from './schemas/order-shipment.schema.js';
import type { LeanOrder } from './schemas/order.schema.js';

const DEFAULT_PARCEL_GRAMS = 100;
const REPAIR_BATCH = 100;
const REPAIR_ACTOR = 'shipping-repair';

/**
 * Ships parcels of orders: any subset of the units not yet shipped, each parcel with its own
 * courier and docket (one the admin has, or one the courier issues when Docket books it). No
 * transactions, so each parcel goes through steps a crash cannot leave ambiguous:
 *
 * 1. the parcel (lines, docket, courier, who, when) is claimed on the order — one conditional
 *    write, so no unit is ever in two parcels (see OrderShipmentsService);
 * 2. the tracking record is created (its unique docket is what stops two orders sharing one);
 * 3. the parcel is marked shipped; the order moves to `shipped` once every unit has left;
 * 4. a polled courier is asked once (a failure there leaves the tracking due for the next pass).
 *
 * Repeating the call (same docket, or a booking) resumes from wherever it stopped; so does
 * `repairHalfShipped`, which runs after every tracking sync pass for parcels requested more than
 * `SHIPPING_REPAIR_AFTER_SECONDS` ago.
 */
@Injectable()
export class OrderShippingService {
  private readonly logger = new Logger(OrderShippingService.name);
  /** One ship flow per order at a time in this process (a booking must not be made twice). */
  private readonly flows = new KeyedMutex();

  constructor(
    private readonly orders: OrdersService,
    private readonly shipments: OrderShipmentsService,
    private readonly tracking: TrackingService,
    private readonly couriers: CourierRegistry,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  /**
   * @throws ValidationFailedError | UnknownCourierError | CourierCapabilityError |
   *   OrderNotFoundError | OrderAlreadyShippedError | ShipmentInProgressError |
   *   QuantityNotShippableError | IllegalStatusTransitionError | DocketAlreadyUsedError |
   *   the courier's booking errors
   */
  async ship(ref: string, dto: ShipOrderDto, admin: AuthUser): Promise<OrderDto> {
    const courier = this.couriers.get(
      dto.courierService ?? this.couriers.defaultProvider.courierService,
    );
    this.validate(dto, courier);
    const orderId = String((await this.orders.findForShipping(ref))._id);
    return this.flows.run(orderId, () => this.shipOne(orderId, dto, courier, admin));
  }

  private validate(dto: ShipOrderDto, courier: CourierProvider): void {
    if (dto.book === true && dto.docketNumber !== undefined) {
      throw new ValidationFailedError([
        { field: 'book', messages: ['book cannot be true when a docketNumber is given'] },
      ]);
    }
    if (dto.book === true && !courier.capabilities.booking) {
      throw new CourierCapabilityError(courier.courierService, 'booking');
    }
    if (dto.docketNumber !== undefined && !matchesRule(courier.docketRule, dto.docketNumber)) {
      throw new ValidationFailedError([
        { field: 'docketNumber', messages: [`docketNumber ${courier.docketRule.description}`] },
      ]);
    }
  }

  private async shipOne(
    orderId: string,
    dto: ShipOrderDto,
    courier: CourierProvider,
    admin: AuthUser,
  ): Promise<OrderDto> {
    const order = await this.orders.findForShipping(orderId);
    const parcels = shipmentsOf(order);
    const wanted = dto.docketNumber ?? null; // null: book one
    const context: StatusChangeContext = {
      source: StatusChangeSource.Admin,
      actor: admin.id,
      note: dto.note ?? null,
    };

    const repeat = this.repeatOf(order, parcels, dto, wanted, courier);
    if (repeat) {
      // The same call again: make sure every step happened, and answer as before.
      await this.complete(order, repeat, context);
      return this.orders.toView(await this.orders.findForShipping(orderId));
    }
    // Checked before booking, so a booking is never made for units that cannot ship.
    this.shipments.assertCanTakeParcel(order, parcels, dto.items);
    if (wanted) await this.assertDocketFree(wanted, order);
    const docket = wanted ?? (await this.book(order, parcels, dto, courier));
    let claimed: { order: LeanOrder; shipment: OrderShipment };
    try {
      claimed = await this.shipments.request(
        orderId,
        {
          docketNumber: docket,
          courierService: courier.courierService,
          carrierName: dto.carrierName ?? null,
          booked: wanted === null,
          requestedBy: admin.id,
          note: dto.note ?? null,
          requested: dto.items,
        },
        context,
        order,
      );
    } catch (error) {
      // Another request took the units first: the booking is not needed.
      if (wanted === null) await this.cancelUnusedBooking(courier, docket, order.orderNumber);
      throw error;
    }
    const shipped = await this.complete(claimed.order, claimed.shipment, context);
    if (!courier.capabilities.polling) return this.orders.toView(shipped);
    // The first poll's events may have moved the order on: show it as it is now.
    await this.tracking.syncNowQuietly(docket);
    return this.orders.toView(await this.orders.findForShipping(orderId));
  }

  /**
   * The parcel this call asks for again, if any: one with the same docket, or (for a booking
   * with no lines named) a booked parcel not finished yet, or the last booked parcel when nothing
   * is left to ship.
   */
  private repeatOf(
    order: LeanOrder,
    parcels: OrderShipment[],
    dto: ShipOrderDto,
    wanted: string | null,
    courier: CourierProvider,
  ): OrderShipment | null {
    if (wanted !== null) {
      const same = parcels.find((p) => p.docketNumber === wanted);
      if (same && same.courierService !== courier.courierService) {
        throw new DocketAlreadyUsedError(wanted);
      }
      return same ?? null;
    }
    if (dto.items) return null;
    const booked = parcels.filter((p) => p.booked && p.courierService === courier.courierService);
    const unfinished = booked.find((p) => p.stage === ShipmentStage.Requested);
    if (unfinished) return unfinished;
    const nothingLeft = [...unshippedByProduct(order, parcels).values()].every((q) => q === 0);
    return nothingLeft && booked.length > 0 ? booked[booked.length - 1] : null;
  }

  /**
   * An admin records that a parcel came back to the store: its units go back in stock once and
   * the order becomes `returned` when every shipped unit is back. Repeating it changes nothing.
   * @throws OrderNotFoundError | ShipmentNotFoundError | ShipmentNotReturnableError
   */
  async recordReturn(
    ref: string,
    docketNumber: string,
    admin: AuthUser,
    note?: string,
  ): Promise<OrderDto> {
    const orderId = String((await this.orders.findForShipping(ref))._id);
    const { order } = await this.flows.run(orderId, () =>
      this.shipments.recordReturn(orderId, docketNumber, {
        source: StatusChangeSource.Admin,
        actor: admin.id,
        note: note ?? `Parcel ${docketNumber} returned to the store`,
      }),
    );
    return this.orders.toView(order);
  }

  /**
   * Completes parcels requested long enough ago whose ship steps never finished. Returns how
   * many it completed.
   */
  async repairHalfShipped(): Promise<number> {
    const { shippingRepairAfterSeconds } = this.config.getOrThrow('orders', { infer: true });
    const before = new Date(Date.now() - shippingRepairAfterSeconds * 1000);
    const stuck = await this.shipments.findInterrupted(before, REPAIR_BATCH);
    let repaired = 0;
    for (const candidate of stuck) {
      const orderId = String(candidate._id);
      try {
        repaired += await this.flows.run(orderId, async () => {
          const order = await this.orders.findForShipping(orderId);
          let done = 0;
          for (const parcel of shipmentsOf(order)) {
            if (parcel.stage !== ShipmentStage.Requested || !isLive(parcel)) continue;
            if (parcel.requestedAt.getTime() > before.getTime()) continue;
            await this.complete(order, parcel, {
              source: StatusChangeSource.System,
              actor: REPAIR_ACTOR,
              note: 'Completed a shipment that was interrupted',
            });
            done += 1;
          }
          return done;
        });
      } catch (error) {
        this.logger.error(
          `Could not complete the shipment of order ${orderId}: ${errorMessage(error)}`,
        );
      }
    }
    if (repaired > 0) this.logger.warn(`Completed ${repaired} interrupted shipment(s)`);
    return repaired;
  }

  /** Steps 2 and 3; both idempotent. Returns the order as stored afterwards. */
  private async complete(
    order: LeanOrder,
    parcel: OrderShipment,
    context: StatusChangeContext,
  ): Promise<LeanOrder> {
    const orderId = String(order._id);
    try {
      await this.tracking.registerShipment({
        orderId,
        orderNumber: order.orderNumber,
        userId: String(order.user),
        customerEmail: order.customerEmail,
        items: parcel.lines.map((line) => ({
          product: String(line.product),
          sku: line.sku,
          name: line.name,
          quantity: line.quantity,
        })),
        docketNumber: parcel.docketNumber,
        courierService: parcel.courierService,
      });
    } catch (error) {
      if (error instanceof DocketAlreadyUsedError) {
        await this.shipments.drop(orderId, parcel.docketNumber, context);
      }
      throw error;
    }
    const carrier = parcel.carrierName
      ? `${parcel.courierService} (${parcel.carrierName})`
      : parcel.courierService;
    const units = parcel.lines.reduce((sum, line) => sum + line.quantity, 0);
    const note =
      context.note ??
      (parcel.booked
        ? `Booked with ${carrier}: docket ${parcel.docketNumber} (${units} unit(s))`
        : `Shipped with ${carrier} docket ${parcel.docketNumber} (${units} unit(s))`);
    const { order: shipped } = await this.shipments.markShipped(
      orderId,
      parcel.docketNumber,
      { ...context, note },
      order,
    );
    return shipped;
  }

  private async assertDocketFree(docket: string, order: LeanOrder): Promise<void> {
    const [existing] = (await this.tracking.findByDockets([docket])).values();
    if (existing && existing.orderId !== String(order._id))
      throw new DocketAlreadyUsedError(docket);
  }

  /** Books the parcel with the courier; nothing is written if this fails. */
  private async book(
    order: LeanOrder,
    parcels: OrderShipment[],
    dto: ShipOrderDto,
    courier: CourierProvider,
  ): Promise<string> {
    const address = order.shippingAddress;
    const grams = dto.weightGrams ?? DEFAULT_PARCEL_GRAMS;
    const { lines } = linesToShip(order, parcels, dto.items);
    const price = new Map(order.items.map((i) => [String(i.product), i.unitPricePaise]));
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
      netValuePaise: lines.reduce(
        (sum, l) => sum + (price.get(String(l.product)) ?? 0) * l.quantity,
        0,
      ),
      codValuePaise: 0,
      packages: dto.packages ?? 1,
      ...(dto.pickUpDate ? { pickUpDate: dto.pickUpDate } : {}),
    };
    const booked = await this.tracking.bookShipment(courier.courierService, input);
    this.logger.log(`Booked docket ${booked.docketNumber} for order ${order.orderNumber}`);
    return booked.docketNumber;
  }

  private async cancelUnusedBooking(
    courier: CourierProvider,
    docket: string,
    orderNumber: string,
  ): Promise<void> {
    try {
      await this.tracking.cancelBooking(
        courier.courierService,
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
