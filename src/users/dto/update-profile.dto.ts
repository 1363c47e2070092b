import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';

export const INDIAN_MOBILE = /^[6-9]\d{9}$/;

export class NotificationPreferencesDto {
  @ApiPropertyOptional({
    example: false,
    description: 'Order emails (shipped, out for delivery, delivered, …); default true',
  })
  @IsOptional()
  @IsBoolean()
  email?: boolean;
}

export class UpdateProfileDto {
  @ApiPropertyOptional({ type: NotificationPreferencesDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => NotificationPreferencesDto)
  notifications?: NotificationPreferencesDto;

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
