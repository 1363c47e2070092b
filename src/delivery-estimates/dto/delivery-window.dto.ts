import { ApiProperty } from '@nestjs/swagger';
import type { DeliveryWindow } from '../transit-statistics.js';

/** Docket's window from its own delivery history on the lane. */
export class DeliveryWindowDto {
  @ApiProperty({ example: '2026-03-04T09:00:00.000Z', description: 'p10 of the lane: UTC' })
  earliest: Date;

  @ApiProperty({ example: '2026-03-06T14:30:00.000Z', description: 'p90 of the lane: UTC' })
  latest: Date;

  static of(window: DeliveryWindow | null): DeliveryWindowDto | null {
    return window === null ? null : { earliest: window.earliest, latest: window.latest };
  }
}
