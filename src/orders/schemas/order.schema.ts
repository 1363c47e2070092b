import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Schema as MongooseSchema, Types } from 'mongoose';
import { type OutboxEntry, OutboxEntrySchema } from '../../common/outbox/outbox-entry.js';
import { OrderStatus, StatusChangeSource } from '../order-status.js';
import {
  OrderShipment,
  OrderShipmentSchema,
  ShipmentLine,
  ShipmentLineSchema,
} from './order-shipment.schema.js';

/** A priced line, frozen at order time: later product edits do not change it. */
@Schema({ _id: false })
export class OrderItem {
  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  product: Types.ObjectId;

  @Prop({ required: true })
  sku: string;

  @Prop({ required: true })
  name: string;

  @Prop({ required: true, min: 1 })
  unitPricePaise: number;

  @Prop({ required: true, min: 1 })
  quantity: number;

  @Prop({ required: true, min: 1 })
  lineTotalPaise: number;
}
export const OrderItemSchema = SchemaFactory.createForClass(OrderItem);

@Schema({ _id: false })
export class ShippingAddress {
  @Prop({ required: true })
  fullName: string;

  @Prop({ required: true })
  phone: string;

  @Prop({ required: true })
  line1: string;

  @Prop()
  line2?: string;

  @Prop({ required: true })
  city: string;

  @Prop({ required: true })
  state: string;

  @Prop({ required: true })
  pincode: string;

  @Prop({ required: true, default: 'IN' })
  country: string;
}
export const ShippingAddressSchema = SchemaFactory.createForClass(ShippingAddress);

@Schema({ _id: false })
export class StatusChange {
  /** Null on the first entry, written when the order is placed. */
  @Prop({ type: String, enum: [...Object.values(OrderStatus), null], default: null })
  from: OrderStatus | null;

  @Prop({ type: String, enum: OrderStatus, required: true })
  to: OrderStatus;

  @Prop({ required: true })
  at: Date;

  @Prop({ type: String, enum: StatusChangeSource, required: true })
  source: StatusChangeSource;

  /** User id (customer, admin), courier name, or job name; null when unknown. */
  @Prop({ type: String, default: null })
  actor: string | null;

  @Prop({ type: String, default: null })
  note: string | null;
}
export const StatusChangeSchema = SchemaFactory.createForClass(StatusChange);

/**
 * The shipment an admin asked for, recorded before the tracking is created and kept after the
 * order has shipped. While the order is still `pending`/`processing` it marks a shipment half
 * done (a crash between the steps): repeating the call or the shipping reconciler completes it.
 */
@Schema({ _id: false })
export class ShipmentRequest {
  @Prop({ required: true })
  docketNumber: string;

  @Prop({ required: true })
  courierService: string;

  /** True when Docket booked it through the courier's API (the courier issued the docket). */
  @Prop({ required: true })
  booked: boolean;

  /** Admin user id. */
  @Prop({ required: true })
  requestedBy: string;

  @Prop({ required: true })
  requestedAt: Date;
}
export const ShipmentRequestSchema = SchemaFactory.createForClass(ShipmentRequest);

@Schema({ collection: 'orders', timestamps: true })
export class Order {
  /** Human-friendly, unique, e.g. `DKT-261125-7KQ2XM`. */
  @Prop({ required: true, unique: true })
  orderNumber: string;

  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  user: Types.ObjectId;

  /** The customer's email when the order was placed. */
  @Prop({ required: true })
  customerEmail: string;

  @Prop({ type: [OrderItemSchema], required: true })
  items: OrderItem[];

  @Prop({ required: true, min: 0 })
  subtotalPaise: number;

  @Prop({ required: true, min: 0 })
  shippingFeePaise: number;

  @Prop({ required: true, min: 0 })
  totalPaise: number;

  @Prop({ required: true, default: 'INR' })
  currency: string;

  @Prop({ type: ShippingAddressSchema, required: true })
  shippingAddress: ShippingAddress;

  @Prop({ type: String, enum: OrderStatus, required: true, default: OrderStatus.Pending })
  status: OrderStatus;

  @Prop({ type: [StatusChangeSchema], default: [] })
  statusHistory: StatusChange[];

  /** Courier docket number; absent (never null) until the order ships. */
  @Prop()
  trackingNumber?: string;

  @Prop()
  courierService?: string;

  /**
   * Legacy (single-parcel) shipment request; no longer written. Orders shipped before
   * `shipments` existed are read as one shipment of every line (see order-fulfilment.ts).
   */
  @Prop({ type: ShipmentRequestSchema })
  shipment?: ShipmentRequest;

  /** The order's parcels, oldest first. */
  @Prop({ type: [OrderShipmentSchema], default: [] })
  shipments?: OrderShipment[];

  /**
   * Bumped by every write of `shipments`/`cancelledLines`: each such write is conditional on the
   * version it read (atomic on MongoDB; on FerretDB also serialised by OrderWriteLock).
   */
  @Prop({ required: true, default: 0 })
  shipmentsVersion?: number;

  /**
   * True while a parcel's ship steps are unfinished (stage `requested`), so the repair job finds
   * them by one top-level equality (FerretDB pushes that down to an index; a dotted path into
   * `shipments` would read every order). Absent otherwise.
   */
  @Prop()
  shipmentRequested?: boolean;

  /** Units cancelled while others were already shipped (cancelling cancels unshipped lines). */
  @Prop({ type: [ShipmentLineSchema], default: [] })
  cancelledLines?: ShipmentLine[];

  /** The client's Idempotency-Key, when one was sent. */
  @Prop()
  idempotencyKey?: string;

  /**
   * `<userId>:<key>`, unique. One sparse single-field index rather than a compound
   * `{ user, idempotencyKey }` one: MongoDB indexes a compound sparse document when *any* of its
   * fields exists, so every key-less order of a user would collide; partial indexes are not
   * available on FerretDB.
   */
  @Prop()
  idempotencyScope?: string;

  /** Hash of the request the key was first used with, to refuse a key reused for another body. */
  @Prop()
  idempotencyFingerprint?: string;

  /**
   * Transactional outbox: a record of each change, pushed in the same update as the change and
   * pulled once the Notifications relay has stored it in the `outbox` collection.
   */
  @Prop({ type: [OutboxEntrySchema], default: [] })
  outbox: OutboxEntry[];

  /**
   * True while `outbox` may hold entries not yet relayed: the relay's repair pass finds them by
   * this top-level equality (FerretDB pushes it down to the index; a dotted `$exists` it scans).
   * Set with every push; unset by the pull that empties `outbox`.
   */
  @Prop()
  outboxPending?: boolean;

  /** Set once the units of a cancelled order are back on the shelf (absent: still owed). */
  @Prop()
  stockReleasedAt?: Date;

  createdAt: Date;
  updatedAt: Date;
}

export type OrderDocument = HydratedDocument<Order>;
export type LeanOrder = Order & { _id: Types.ObjectId };

export const OrderSchema = SchemaFactory.createForClass(Order);
OrderSchema.index({ idempotencyScope: 1 }, { unique: true, sparse: true });
// Lists filter and sort on `order_summaries` (see OrderSummary), which holds their indexes.
// The shipping reconciler: orders with a shipment whose ship steps were interrupted.
OrderSchema.index({ shipmentRequested: 1 });
// The outbox relay's repair pass: orders with entries not yet relayed.
OrderSchema.index({ outboxPending: 1 }, { sparse: true });
