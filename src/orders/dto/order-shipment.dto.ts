import { ApiProperty, OmitType } from '@nestjs/swagger';
import { TrackingStatus } from '../../courier/tracking-status.js';
import {
  ApiEstimatedDeliveryWindow,
  ApiEstimateSource,
  type DeliveryWindowDto,
} from '../../delivery-estimates/dto/delivery-window.dto.js';
import type { EstimateSource } from '../../delivery-estimates/transit-statistics.js';
import { TrackingEventDto } from './tracking-info.dto.js';

export class ShipmentLineDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  product: string;

  @ApiProperty({ example: 'RING-GOLD-18' })
  sku: string;

  @ApiProperty({ example: '18k gold ring' })
  name: string;

  @ApiProperty({ example: 1, description: 'Units of this line in this parcel' })
  quantity: number;
}

/** One parcel of an order (kept on the order, updated by the tracking events). */
export class OrderShipmentDto {
  @ApiProperty({ example: '0581094993', description: 'Tracking number; unique across couriers' })
  docketNumber: string;

  @ApiProperty({ example: 'Sequel247', description: 'Courier provider: Sequel247 or Manual' })
  courierService: string;

  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'Manual parcels: who carries it',
  })
  carrierName: string | null;

  @ApiProperty({ description: 'Booked through the courier API (the courier issued the docket)' })
  booked: boolean;

  @ApiProperty({ type: [ShipmentLineDto] })
  lines: ShipmentLineDto[];

  @ApiProperty({
    enum: ['requested', 'shipped'],
    description: '`requested`: being shipped (steps not finished); `shipped`: it has left',
  })
  stage: string;

  @ApiProperty({ enum: TrackingStatus, example: TrackingStatus.OnTheRoad })
  status: TrackingStatus;

  @ApiProperty({ nullable: true, type: Date, example: null })
  estimatedDelivery: Date | null;

  @ApiEstimateSource()
  estimateSource: EstimateSource | null;

  @ApiEstimatedDeliveryWindow()
  estimatedDeliveryWindow: DeliveryWindowDto | null;

  @ApiProperty({ type: [TrackingEventDto], description: 'Scans, oldest first' })
  trackingHistory: TrackingEventDto[];

  @ApiProperty({ nullable: true, type: String, example: 'https://sequel247.com/track/0581094993' })
  trackingUrl: string | null;

  @ApiProperty()
  requestedAt: Date;

  @ApiProperty({ nullable: true, type: Date })
  shippedAt: Date | null;

  @ApiProperty({ description: 'When its status last changed' })
  lastMovedAt: Date;

  @ApiProperty({ nullable: true, type: Date })
  deliveredAt: Date | null;

  @ApiProperty({ nullable: true, type: Date, description: 'Returned to origin (RTO or admin)' })
  returnedAt: Date | null;

  @ApiProperty({ description: 'Its units are back in stock (returned, or booking cancelled)' })
  restocked: boolean;
}

export class FulfilmentLineDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  product: string;

  @ApiProperty({ example: 'RING-GOLD-18' })
  sku: string;

  @ApiProperty({ example: '18k gold ring' })
  name: string;

  @ApiProperty({ example: 2 })
  ordered: number;

  @ApiProperty({ example: 1, description: 'In parcels that have left (incl. delivered/returned)' })
  shipped: number;

  @ApiProperty({ example: 0 })
  delivered: number;

  @ApiProperty({ example: 0, description: 'Came back to origin' })
  returned: number;

  @ApiProperty({ example: 0, description: 'Cancelled before shipping (or booking cancelled)' })
  cancelled: number;

  @ApiProperty({ example: 1, description: 'Not in any parcel yet: what the next ship takes' })
  unshipped: number;
}

/** Unit counts of the whole order (sums of its lines), and per line. */
export class FulfilmentDto extends OmitType(FulfilmentLineDto, [
  'product',
  'sku',
  'name',
] as const) {
  @ApiProperty({ type: [FulfilmentLineDto] })
  lines: FulfilmentLineDto[];
}
