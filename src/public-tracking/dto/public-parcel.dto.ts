import { ApiProperty } from '@nestjs/swagger';
import { OrderStatus } from '../../orders/order-status.js';
import { TrackingStatus } from '../../courier/tracking-status.js';

export class PublicScanDto {
  @ApiProperty({ enum: TrackingStatus, nullable: true, example: TrackingStatus.OnTheRoad })
  status: TrackingStatus | null;

  @ApiProperty({ example: 'Shipment received at hub' })
  description: string;

  @ApiProperty({ nullable: true, type: String, example: 'Mumbai', description: 'City only' })
  location: string | null;

  @ApiProperty()
  occurredAt: Date;
}

export class PublicTrackingInfoDto {
  @ApiProperty({ example: true })
  hasTracking: boolean;

  @ApiProperty({ nullable: true, type: String, example: '0581094993' })
  docketNumber: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'Sequel247' })
  courierService: string | null;

  @ApiProperty({ enum: TrackingStatus, nullable: true, example: TrackingStatus.OnTheRoad })
  status: TrackingStatus | null;

  @ApiProperty({ nullable: true, type: Date })
  estimatedDelivery: Date | null;

  @ApiProperty({ type: [PublicScanDto], description: 'Scans, oldest first' })
  trackingHistory: PublicScanDto[];

  @ApiProperty({ nullable: true, type: Date })
  lastUpdatedAt: Date | null;
}

export class PublicItemDto {
  @ApiProperty({ example: '22K Gold Solitaire Ring' })
  name: string;
}

/**
 * What anyone holding an order number and its email (or a signed link) may see: no address,
 * phone, prices, ids or email.
 */
export class PublicParcelDto {
  @ApiProperty({ example: 'DKT-261125-7KQ2XM' })
  orderNumber: string;

  @ApiProperty({ enum: OrderStatus, example: OrderStatus.Shipped })
  orderStatus: OrderStatus;

  @ApiProperty({ type: [PublicItemDto] })
  items: PublicItemDto[];

  @ApiProperty({ type: PublicTrackingInfoDto })
  trackingInfo: PublicTrackingInfoDto;
}
