import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiEnvelope, ApiErrors } from '../common/swagger/api-responses.decorator.js';
import { HealthService } from './health.service.js';
import { Public } from '../auth/decorators/public.decorator.js';

export class DatabaseHealthDto {
  @ApiProperty({ enum: ['up'], example: 'up' })
  status: 'up';

  @ApiProperty({ example: 3, description: 'Round trip of a ping, in milliseconds' })
  latencyMs: number;
}

export class HealthDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status: 'ok';

  @ApiProperty({ type: DatabaseHealthDto })
  database: DatabaseHealthDto;

  @ApiProperty({ example: 123.4, description: 'Process uptime in seconds' })
  uptimeSeconds: number;
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and database status (503 when the database is unreachable)' })
  @ApiEnvelope(HealthDto)
  @ApiErrors(503)
  check(): Promise<HealthDto> {
    return this.health.check();
  }
}
