import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';
import { TrackingStatus } from '../../courier/tracking-status.js';

/** Units of one order line in one parcel. */
@Schema({ _id: false })
export class ShipmentLine {
  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  product: Types.ObjectId;

  @Prop({ required: true })
  sku: string;

  @Prop({ required: true })
  name: string;

  @Prop({ required: true, min: 1 })
  quantity: number;
}
export const ShipmentLineSchema = SchemaFactory.createForClass(ShipmentLine);

@Schema({ _id: false })
export class ShipmentScan {
  @Prop({ type: String, enum: [...Object.values(TrackingStatus), null], default: null })
  status: TrackingStatus | null;

  @Prop({ required: true })
  code: string;

  @Prop({ type: String, default: '' })
  description: string;

  @Prop({ type: String, default: null })
  location: string | null;

  @Prop({ required: true })
  occurredAt: Date;
}
export const ShipmentScanSchema = SchemaFactory.createForClass(ShipmentScan);

/** Where a shipment is in the crash-safe ship steps (see OrderShippingService). */
export enum ShipmentStage {
  /** Step 1 done: its lines are claimed on the order; the tracking may not exist yet. */
  Requested = 'requested',
  /** Steps 2–3 done: tracked, and counted as having left the store. */
  Shipped = 'shipped',
}

/**
 * One parcel of an order, kept on the order as its read model: the ship flow writes it, the
 * tracking events keep its status, ETA and history current, so reading an order needs no
 * tracking query. Its lines are what make "never ship a unit twice" checkable in one document.
 */
@Schema({ _id: false })
export class OrderShipment {
  /** The courier's tracking number; unique across couriers (the tracking record's key). */
  @Prop({ required: true })
  docketNumber: string;

  /** Courier provider (registry key): `Sequel247`, `Manual`. */
  @Prop({ required: true })
  courierService: string;

  /** Manual provider: who carries it (e.g. "Blue Dart", "Hand delivery"). */
  @Prop({ type: String, default: null })
  carrierName: string | null;

  /** True when Docket booked it through the courier's API (the courier issued the docket). */
  @Prop({ required: true, default: false })
  booked: boolean;

  @Prop({ type: [ShipmentLineSchema], required: true })
  lines: ShipmentLine[];

  @Prop({ type: String, enum: ShipmentStage, required: true })
  stage: ShipmentStage;

  @Prop({ type: String, enum: TrackingStatus, required: true })
  status: TrackingStatus;

  @Prop({ type: Date, default: null })
  estimatedDelivery: Date | null;

  @Prop({ type: [ShipmentScanSchema], default: [] })
  history: ShipmentScan[];

  /** Admin user id. */
  @Prop({ required: true })
  requestedBy: string;

  @Prop({ required: true })
  requestedAt: Date;

  @Prop({ type: Date, default: null })
  shippedAt: Date | null;

  /** When its status last changed (the order's `trackingInfo` shows the latest moved one). */
  @Prop({ required: true })
  lastMovedAt: Date;

  /** When this summary last took news from the courier (or an admin's return); null before. */
  @Prop({ type: Date, default: null })
  lastUpdatedAt: Date | null;

  @Prop({ type: Date, default: null })
  deliveredAt: Date | null;

  /** Returned to origin (courier RTO or recorded by an admin). */
  @Prop({ type: Date, default: null })
  returnedAt: Date | null;

  /** Set once its units are back on the shelf (RTO or a cancelled booking); absent: owed. */
  @Prop({ type: Date, default: null })
  restockedAt: Date | null;

  @Prop({ type: String, default: null })
  note: string | null;
}
export const OrderShipmentSchema = SchemaFactory.createForClass(OrderShipment);
