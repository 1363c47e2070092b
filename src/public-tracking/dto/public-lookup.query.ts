import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, MaxLength } from 'class-validator';

export class PublicLookupQueryDto {
  @ApiProperty({ example: 'asha@example.in', description: 'The email the order was placed with' })
  @IsEmail({}, { message: 'email must be the email address the order was placed with' })
  @MaxLength(254)
  email: string;
}
