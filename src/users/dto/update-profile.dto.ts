import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

export const INDIAN_MOBILE = /^[6-9]\d{9}$/;

export class UpdateProfileDto {
  @ApiPropertyOptional({ example: 'Asha', minLength: 1, maxLength: 60 })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  firstName?: string;

  @ApiPropertyOptional({ example: 'Rao', minLength: 1, maxLength: 60 })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  lastName?: string;

  @ApiPropertyOptional({ example: '9876543210', description: '10-digit Indian mobile number' })
  @IsOptional()
  @IsString()
  @Matches(INDIAN_MOBILE, { message: 'phone must be a 10-digit Indian mobile number' })
  phone?: string;
}
