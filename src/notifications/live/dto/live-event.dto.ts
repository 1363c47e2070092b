import { ApiProperty } from '@nestjs/swagger';
import { OrderStatus } from '../../../orders/order-status.js';
import { TrackingInfoDto } from '../../../orders/dto/tracking-info.dto.js';

/**
 * The `data` of one event on `GET /api/orders/my/events` (JSON). The SSE `id` is the event's
 * feed position: send it back as `Last-Event-ID` (EventSource does) to resume.
 */
export class LiveEventDto {
  @ApiProperty({ enum: ['order.status_changed', 'shipment.scan_added'] })
  type: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  orderId: string;

  @ApiProperty({ example: 'DKT-261125-7KQ2XM' })
  orderNumber: string;

  @ApiProperty({ enum: OrderStatus, description: 'The order status when the event was sent' })
  orderStatus: OrderStatus;

  @ApiProperty({ type: TrackingInfoDto, description: 'As in the order view, when sent' })
  trackingInfo: TrackingInfoDto;

  @ApiProperty({ description: 'When the change happened (UTC)' })
  occurredAt: Date;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'What this event is about: `{from, to, source, note}` for a status change; ' +
      '`{docketNumber, status, scansAdded, latestScan}` for new scans',
  })
  change: Record<string, unknown>;
}

export class StreamTokenDto {
  @ApiProperty({ example: 'lst_Zk3…', description: 'Pass as `?token=` on the stream; one use' })
  token: string;

  @ApiProperty({ description: 'The token is refused after this time (60 s after issue)' })
  expiresAt: Date;
}
