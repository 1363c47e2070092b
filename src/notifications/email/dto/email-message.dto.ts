import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../../common/pagination/pagination.js';
import { EmailStatus } from '../email-message.schema.js';

export class ListEmailsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: EmailStatus, description: 'e.g. `dead` for the dead letters' })
  @IsOptional()
  @IsEnum(EmailStatus)
  status?: EmailStatus;

  @ApiPropertyOptional({ example: 'DKT-261125-7KQ2XM' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  orderNumber?: string;
}

export class EmailMessageDto {
  @ApiProperty({ example: 'email:0mgk2x1z4f3a9c…', description: 'The idempotency key' })
  id: string;

  @ApiProperty({
    enum: [
      'shipped',
      'out_for_delivery',
      'delivery_failed',
      'delivered',
      'returned_to_origin',
      'cancelled',
    ],
  })
  milestone: string;

  @ApiProperty()
  orderId: string;

  @ApiProperty()
  orderNumber: string;

  @ApiProperty()
  userId: string;

  @ApiProperty({ enum: EmailStatus })
  status: EmailStatus;

  @ApiProperty({ description: 'Attempts made so far' })
  attempts: number;

  @ApiProperty({ description: 'Dead once attempts reach this' })
  attemptLimit: number;

  @ApiProperty({ description: 'When the next attempt is due (pending messages)' })
  nextAttemptAt: Date;

  @ApiProperty({ nullable: true, type: String })
  lastError: string | null;

  @ApiProperty({ nullable: true, type: String })
  to: string | null;

  @ApiProperty({ nullable: true, type: String })
  subject: string | null;

  @ApiProperty({ nullable: true, type: Date })
  sentAt: Date | null;

  @ApiProperty()
  createdAt: Date;
}

class ChannelCountsDto {
  @ApiProperty() sent: number;
  @ApiProperty() retried: number;
  @ApiProperty() dead: number;
  @ApiProperty() skipped: number;
}

export class NotificationCountsDto {
  @ApiProperty({ type: ChannelCountsDto }) email: ChannelCountsDto;
  @ApiProperty({ type: ChannelCountsDto }) webhooks: ChannelCountsDto;
}
