import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export class ListWebhookDeliveriesQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'succeeded', 'dead'] })
  @IsOptional()
  @IsIn(['pending', 'succeeded', 'dead'])
  status?: 'pending' | 'succeeded' | 'dead';

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;
}

export class DeliveryAttemptDto {
  @ApiProperty()
  at: Date;

  @ApiProperty({ nullable: true, type: Number, example: 503 })
  responseStatus: number | null;

  @ApiProperty({ example: 87 })
  durationMs: number;

  @ApiProperty({ nullable: true, type: String, example: 'HTTP 503' })
  error: string | null;
}

export class WebhookDeliveryDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  id: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345670' })
  endpointId: string;

  @ApiProperty({ example: 'msg_0mh3k2p1a3f9c2b7d4e5f6a7', description: 'The webhook-id header' })
  messageId: string;

  @ApiProperty({ example: 'order.status_changed' })
  type: string;

  @ApiProperty({ nullable: true, type: String })
  orderId: string | null;

  @ApiProperty({ enum: ['pending', 'succeeded', 'dead'] })
  status: 'pending' | 'succeeded' | 'dead';

  @ApiProperty({ example: 1 })
  attempts: number;

  @ApiProperty({ nullable: true, type: Date, description: 'Null once succeeded or dead' })
  nextAttemptAt: Date | null;

  @ApiProperty({ nullable: true, type: Date })
  lastAttemptAt: Date | null;

  @ApiProperty({ nullable: true, type: Number, example: 200 })
  lastResponseStatus: number | null;

  @ApiProperty({ nullable: true, type: String, description: 'First 1 KB of the last response' })
  lastResponseBody: string | null;

  @ApiProperty({ nullable: true, type: Number, example: 87 })
  lastDurationMs: number | null;

  @ApiProperty({ nullable: true, type: String })
  lastError: string | null;

  @ApiProperty({ nullable: true, type: Date })
  deliveredAt: Date | null;

  @ApiProperty({ type: [DeliveryAttemptDto], description: 'The last 20 attempts, oldest first' })
  attemptLog: DeliveryAttemptDto[];

  @ApiProperty()
  createdAt: Date;
}
