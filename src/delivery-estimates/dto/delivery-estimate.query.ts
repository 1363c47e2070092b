import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class DeliveryEstimateQueryDto {
  @ApiProperty({
    example: '110001',
    description: '6-digit Indian PIN code of the delivery address',
  })
  @IsString({ message: 'pincode is required' })
  @Matches(/^[1-9]\d{5}$/, { message: 'pincode must be a 6-digit Indian PIN code' })
  pincode: string;
}
