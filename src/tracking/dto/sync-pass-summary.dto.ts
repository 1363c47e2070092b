import { ApiProperty } from '@nestjs/swagger';

export class SyncPassSummaryDto {
  @ApiProperty({ example: 'api-7f9c:4242:1a2b3c4d', description: 'Host, process and a random id' })
  passId: string;

  @ApiProperty()
  startedAt: Date;

  @ApiProperty({ example: 2710 })
  durationMs: number;

  @ApiProperty({ example: 120, description: 'Due trackings this pass leased and polled' })
  claimed: number;

  @ApiProperty({ example: 31, description: 'Something about the shipment changed' })
  changed: number;

  @ApiProperty({ example: 12, description: 'Of `changed`, status changes (one event each)' })
  statusChanged: number;

  @ApiProperty({ example: 87 })
  unchanged: number;

  @ApiProperty({ example: 2, description: 'Courier or storage failures (retried with back-off)' })
  failed: number;

  @ApiProperty({ example: 0, description: 'Dockets the courier has no tracking for yet' })
  notFound: number;

  @ApiProperty({ example: 0, description: 'Results dropped because the lease had expired' })
  lostLeases: number;

  @ApiProperty({ example: 3, description: 'Courier HTTP calls made by this pass' })
  courierCalls: number;

  @ApiProperty({ example: 0, description: 'Unacknowledged status changes re-emitted' })
  reconciled: number;
}
