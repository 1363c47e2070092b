import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { INDIAN_MOBILE } from '../../users/dto/update-profile.dto.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class RegisterDto {
  @ApiProperty({ example: 'asha@example.in' })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct horse battery', minLength: 8, maxLength: 128 })
  @IsString()
  @Length(8, 128, { message: 'password must be 8-128 characters' })
  password: string;

  @ApiProperty({ example: 'Asha' })
  @Transform(trim)
  @IsString()
  @Length(1, 60)
  firstName: string;

  @ApiProperty({ example: 'Rao' })
  @Transform(trim)
  @IsString()
  @Length(1, 60)
  lastName: string;

  @ApiPropertyOptional({ example: '9876543210', description: '10-digit Indian mobile number' })
  @IsOptional()
  @IsString()
  @Matches(INDIAN_MOBILE, { message: 'phone must be a 10-digit Indian mobile number' })
  phone?: string;
}
