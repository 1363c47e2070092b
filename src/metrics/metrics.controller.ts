import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/decorators/public.decorator.js';
import { ApiErrors } from '../common/swagger/api-responses.decorator.js';
import { MetricsTokenGuard } from './metrics-token.guard.js';
import { MetricsService } from './metrics.service.js';

export const METRICS_SECURITY = 'metrics-token';

@ApiTags('ops')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  // Not a user route: no user JWT; Prometheus sends METRICS_TOKEN instead.
  @Public()
  @UseGuards(MetricsTokenGuard)
  @ApiBearerAuth(METRICS_SECURITY)
  @ApiOperation({
    summary: 'Prometheus metrics (bearer METRICS_TOKEN)',
    description:
      'Prometheus text format: HTTP latency by route and status, tracking sync passes, ' +
      'shipments due/overdue and sync lag, courier call outcomes and circuit breaker state. ' +
      'Not wrapped in the JSON envelope.',
  })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'Prometheus exposition text' })
  @ApiErrors(401)
  async scrape(@Res() res: Response): Promise<void> {
    const { contentType, body } = await this.metrics.scrape();
    res.status(200).type(contentType).send(body);
  }
}
