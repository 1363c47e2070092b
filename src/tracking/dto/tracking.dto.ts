import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { TrackingStatus } from '../../courier/tracking-status.js';
import type { TrackingView } from '../tracking-view.js';

export class TrackingScanDto {
  @ApiProperty({
    enum: TrackingStatus,
    nullable: true,
    description: 'Normalised status of the scan; null for a courier code Docket does not know',
    example: TrackingStatus.OnTheRoad,
  })
  status: TrackingStatus | null;

  @ApiProperty({ example: 'SLINREC', description: 'Raw Sequel247 scan code' })
  code: string;

  @ApiProperty({ example: 'Shipment received at hub' })
  description: string;

  @ApiProperty({ example: 'BANGALORE', nullable: true, type: String })
  location: string | null;

  @ApiProperty({ example: '2025-03-10T06:56:00.000Z', description: 'UTC' })
  occurredAt: Date;
}

export class TrackedItemDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  product: string;

  @ApiProperty({ example: 'RING-GOLD-18K-07' })
  sku: string;

  @ApiProperty({ example: '18K gold ring' })
  name: string;

  @ApiProperty({ example: 1 })
  quantity: number;
}

/** A shipment's tracking as its customer sees it. */
export class TrackingDto {
  @ApiProperty({ example: '665f1c2e8b3e4a00123456aa' })
  id: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345699' })
  orderId: string;

  @ApiProperty({ example: 'DK-20250310-0001' })
  orderNumber: string;

  @ApiProperty({ example: '0581094993', description: '10-digit Sequel247 docket number' })
  docketNumber: string;

  @ApiProperty({ example: 'Sequel247' })
  courierService: string;

  @ApiProperty({
    example: 'https://sequel247.com/track/0581094993',
    nullable: true,
    type: String,
    description: "The courier's public tracking page; null for couriers without one (Manual)",
  })
  trackingUrl: string | null;

  @ApiProperty({ enum: TrackingStatus, example: TrackingStatus.OnTheRoad })
  status: TrackingStatus;

  @ApiProperty({
    example: 'SLINREC',
    nullable: true,
    type: String,
    description: 'Last current-status code from the courier (kept even when unknown to Docket)',
  })
  rawStatusCode: string | null;

  @ApiProperty({ nullable: true, type: Date, example: '2025-03-12T14:30:00.000Z' })
  estimatedDelivery: Date | null;

  @ApiProperty({ type: [TrackingScanDto], description: 'Scans in time order, each once' })
  history: TrackingScanDto[];

  @ApiProperty({ type: [TrackedItemDto], description: 'What is in the parcel (order snapshot)' })
  items: TrackedItemDto[];

  @ApiProperty({ nullable: true, type: Date, description: 'Time of the latest scan' })
  lastScanAt: Date | null;

  @ApiProperty({ nullable: true, type: Date, description: 'Last successful poll of the courier' })
  lastSyncedAt: Date | null;

  @ApiProperty({ description: 'Delivered, cancelled or returned: no further updates expected' })
  terminal: boolean;

  @ApiProperty({ description: 'No new scan for TRACKING_STALE_AFTER_DAYS days' })
  stale: boolean;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  updatedAt: Date;
}

/** A tracking with its sync bookkeeping, for admins. */
export class AdminTrackingDto extends TrackingDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  userId: string;

  @ApiProperty({ example: 'asha@example.in' })
  customerEmail: string;

  @ApiProperty({ nullable: true, type: Date, description: 'Last poll attempt, successful or not' })
  lastAttemptAt: Date | null;

  @ApiProperty({
    nullable: true,
    type: Date,
    description: 'Next scheduled poll; null once terminal',
  })
  nextSyncAt: Date | null;

  @ApiProperty({ example: 0, description: 'Failed polls in a row (drives the back-off)' })
  consecutiveFailures: number;

  @ApiPropertyOptional({ nullable: true, type: String, example: null })
  lastError: string | null;

  @ApiProperty({
    enum: TrackingStatus,
    nullable: true,
    description: 'Last status the order side confirmed it applied',
  })
  orderStatusAcknowledged: TrackingStatus | null;
}

/** One row of the admin list: no history or items. */
export class TrackingSummaryDto extends OmitType(AdminTrackingDto, ['history', 'items'] as const) {}

export function toTrackingDto(view: TrackingView): TrackingDto {
  return {
    id: view.id,
    orderId: view.orderId,
    orderNumber: view.orderNumber,
    docketNumber: view.docketNumber,
    courierService: view.courierService,
    trackingUrl: view.trackingUrl,
    status: view.status,
    rawStatusCode: view.rawStatusCode,
    estimatedDelivery: view.estimatedDelivery,
    history: view.history.map((h) => ({ ...h })),
    items: view.items.map((i) => ({ ...i })),
    lastScanAt: view.lastScanAt,
    lastSyncedAt: view.lastSyncedAt,
    terminal: view.terminal,
    stale: view.stale,
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
  };
}

export function toAdminTrackingDto(view: TrackingView): AdminTrackingDto {
  return {
    ...toTrackingDto(view),
    userId: view.userId,
    customerEmail: view.customerEmail,
    lastAttemptAt: view.lastAttemptAt,
    nextSyncAt: view.nextSyncAt,
    consecutiveFailures: view.consecutiveFailures,
    lastError: view.lastError,
    orderStatusAcknowledged: view.orderStatusAcknowledged,
  };
}
