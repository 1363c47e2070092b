import { ApiProperty } from '@nestjs/swagger';

export class TrackingEventDto {
  @ApiProperty({ example: 'in_transit', description: 'Normalised tracking status' })
  status: string;

  @ApiProperty({ example: 'IT', nullable: true, description: "The courier's own status code" })
  code: string | null;

  @ApiProperty({ example: 'Shipment in transit', nullable: true })
  description: string | null;

  @ApiProperty({ example: 'Mumbai Hub', nullable: true })
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
    example: null,
    nullable: true,
    type: String,
    description: 'Latest tracking status',
  })
  status: string | null;

  @ApiProperty({ example: null, nullable: true, type: Date })
  estimatedDelivery: Date | null;

  @ApiProperty({ type: [TrackingEventDto], description: 'Scans, oldest first' })
  trackingHistory: TrackingEventDto[];

  @ApiProperty({ example: null, nullable: true, type: Date })
  lastUpdatedAt: Date | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  trackingUrl: string | null;
}
