import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One shipment's trip, from dispatch to delivery: the raw material of the lane statistics. Small
 * on purpose (FerretDB decodes every row a filter returns), and read only by equality on
 * top-level scalar keys (`courierService`, a lane key, `delivered`), which FerretDB on
 * PostgreSQL pushes down to SQL. `_id` is the tracking number, as for trackings.
 */
@Schema({ collection: 'delivery_journeys', versionKey: false })
export class DeliveryJourney {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  courierService: string;

  @Prop({ required: true })
  originPincode: string;

  @Prop({ required: true })
  destinationPincode: string;

  /** `560>110`: origin and destination sorting districts (first three PIN digits). */
  @Prop({ required: true })
  districtLane: string;

  /** `56>11`: origin and destination sub-zones (first two PIN digits). */
  @Prop({ required: true })
  subzoneLane: string;

  @Prop({ required: true })
  dispatchedAt: Date;

  @Prop({ required: true, default: false })
  delivered: boolean;

  @Prop({ type: Date, default: null })
  deliveredAt: Date | null;

  @Prop({ type: Number, default: null })
  transitHours: number | null;
}

export const DeliveryJourneySchema = SchemaFactory.createForClass(DeliveryJourney);
DeliveryJourneySchema.index({ courierService: 1, districtLane: 1, delivered: 1, deliveredAt: -1 });
DeliveryJourneySchema.index({ courierService: 1, subzoneLane: 1, delivered: 1, deliveredAt: -1 });
