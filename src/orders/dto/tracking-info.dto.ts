import { ApiProperty } from '@nestjs/swagger';
import { TrackingStatus } from '../../courier/tracking-status.js';
import {
  ApiEstimatedDeliveryWindow,
  ApiEstimateSource,
  type DeliveryWindowDto,
} from '../../delivery-estimates/dto/delivery-window.dto.js';
import type { EstimateSource } from '../../delivery-estimates/transit-statistics.js';

export class TrackingEventDto {
  @ApiProperty({
    enum: TrackingStatus,
    nullable: true,
    example: TrackingStatus.OnTheRoad,
    description: 'Normalised status of the scan; null for a courier code Docket does not know',
  })
  status: TrackingStatus | null;

  @ApiProperty({ example: 'SLINREC', description: "The courier's own scan code" })
  code: string;

  @ApiProperty({ example: 'Shipment received at hub' })
  description: string;

  @ApiProperty({ example: 'MUMBAI', nullable: true, type: String })
  location: string | null;

  @ApiProperty({ description: 'When the courier recorded the event (UTC)' })
  occurredAt: Date;
}

/**
 * Live shipment tracking shown with an order. Filled by the tracking module; until an order has
 * shipped (or tracking has nothing yet) `hasTracking` is false and the rest is null/empty.
 */
export class TrackingInfoDto {
  @ApiProperty({ example: false })
  hasTracking: boolean;

  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'Courier docket number',
  })
  docketNumber: string | null;

  @ApiProperty({ example: null, nullable: true, type: String, description: 'e.g. Sequel247' })
  courierService: string | null;

  @ApiProperty({
    enum: TrackingStatus,
    example: null,
    nullable: true,
    description: "The shipment's normalised tracking status",
  })
  status: TrackingStatus | null;

  @ApiProperty({ example: null, nullable: true, type: Date })
  estimatedDelivery: Date | null;

  @ApiEstimateSource()
  estimateSource: EstimateSource | null;

  @ApiEstimatedDeliveryWindow()
  estimatedDeliveryWindow: DeliveryWindowDto | null;

  @ApiProperty({ type: [TrackingEventDto], description: 'Scans, oldest first' })
  trackingHistory: TrackingEventDto[];

  @ApiProperty({
    example: null,
    nullable: true,
    type: Date,
    description: 'When Docket last heard from the courier about this shipment',
  })
  lastUpdatedAt: Date | null;

  @ApiProperty({
    example:
      'https://docket.example.in/track/t/ZmQ3YjE2Y2UwMDAwMDAwMDAwMDBnqE0A.0p5dS1m2Vq8xKqYb3d1Wkw',
    nullable: true,
    type: String,
    description:
      'Signed public tracking page for this order (no login; valid 90 days; PUBLIC_TRACKING_URL_TEMPLATE)',
  })
  trackingUrl: string | null;

  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: "The courier's own tracking page for the docket, once shipped",
  })
  courierTrackingUrl: string | null;
}
