import { ApiProperty } from '@nestjs/swagger';
import type { CheckoutEstimate } from '../delivery-estimates.service.js';
import { DeliveryWindowDto } from './delivery-window.dto.js';

/** What checkout can promise for a pincode. */
export class DeliveryEstimateDto {
  @ApiProperty({ example: '110001' })
  pincode: string;

  @ApiProperty({ example: 'Sequel247', description: 'The courier the estimate is for' })
  courierService: string;

  @ApiProperty({ description: 'The courier delivers to this pincode' })
  serviceable: boolean;

  @ApiProperty({ description: 'Cash on delivery is allowed (always false when not serviceable)' })
  codAllowed: boolean;

  @ApiProperty({ example: 'DELHI', nullable: true, type: String })
  city: string | null;

  @ApiProperty({ example: 'Delhi', nullable: true, type: String })
  state: string | null;

  @ApiProperty({
    example: '2026-03-05T11:00:00.000Z',
    nullable: true,
    type: Date,
    description:
      'For a parcel dispatched now (UTC): Docket’s p50 from its delivery history on the lane when ' +
      'it has enough, otherwise the courier’s estimated delivery date; null when not serviceable ' +
      'or nobody can say',
  })
  estimatedDelivery: Date | null;

  @ApiProperty({ enum: ['courier', 'docket'], nullable: true, type: String })
  estimateSource: 'courier' | 'docket' | null;

  @ApiProperty({
    type: DeliveryWindowDto,
    nullable: true,
    description: 'Docket’s p10–p90 window; null until the lane has enough delivered history',
  })
  estimatedDeliveryWindow: DeliveryWindowDto | null;

  @ApiProperty({
    example: '2026-03-05T14:30:00.000Z',
    nullable: true,
    type: Date,
    description: 'What the courier’s delivery-date endpoint said, for comparison',
  })
  courierEstimatedDelivery: Date | null;

  @ApiProperty({ example: 240, description: 'Delivered shipments behind the window (0: none)' })
  laneDeliveries: number;

  static of(estimate: CheckoutEstimate): DeliveryEstimateDto {
    const { window, ...rest } = estimate;
    return { ...rest, estimatedDeliveryWindow: DeliveryWindowDto.of(window) };
  }
}
