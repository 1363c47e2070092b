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

/** `estimateSource` beside a shipment's `estimatedDelivery` (one description for every view). */
export const ApiEstimateSource = (): PropertyDecorator =>
  ApiProperty({
    enum: ['courier', 'docket'],
    nullable: true,
    type: String,
    description:
      "Whose `estimatedDelivery` it is: the courier's ETA while it is still ahead; Docket's p50 " +
      'from its delivery history on the lane when the courier gave none or it passed undelivered',
  });

/** `estimatedDeliveryWindow` beside a shipment's `estimatedDelivery`. */
export const ApiEstimatedDeliveryWindow = (): PropertyDecorator =>
  ApiProperty({
    type: DeliveryWindowDto,
    nullable: true,
    description:
      "Docket's p10–p90 window from its delivery history on the lane; null without enough " +
      'history, and once the parcel is delivered, returned or cancelled',
  });
