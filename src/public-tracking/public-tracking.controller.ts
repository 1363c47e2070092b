import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiEnvelope, ApiErrors } from '../common/swagger/api-responses.decorator.js';
import { PublicParcelDto } from './dto/public-parcel.dto.js';
import { PublicLookupQueryDto } from './dto/public-lookup.query.js';
import { Public } from '../auth/decorators/public.decorator.js';
import { ParcelStreamService } from './parcel-stream.service.js';
import { TooManyLookupsError } from './public-tracking.errors.js';
import { PublicTrackingService } from './public-tracking.service.js';

const TOKEN_PARAM = {
  name: 'token',
  description: 'Signed tracking link token (from `trackingInfo.trackingUrl`)',
};

/** Tracking without an account. Public routes: no bearer token. */
@ApiTags('public tracking')
@Public()
@Controller('track')
export class PublicTrackingController {
  constructor(
    private readonly tracking: PublicTrackingService,
    private readonly streams: ParcelStreamService,
  ) {}

  @Get('t/:token')
  @ApiOperation({ summary: 'The parcel a signed tracking link names (no login, no email needed)' })
  @ApiParam(TOKEN_PARAM)
  @ApiEnvelope(PublicParcelDto)
  @ApiErrors(404, 410)
  byLink(@Param('token') token: string): Promise<PublicParcelDto> {
    return this.tracking.byLink(token);
  }

  @Get('t/:token/events')
  @ApiOperation({
    summary: 'Live parcel view of a signed link (Server-Sent Events)',
    description:
      'Sends `event: parcel` with the PublicParcelDto as JSON at once, then again after every ' +
      'status change or new scan of the order (`id` = feed position); `: keep-alive` comments ' +
      'in between. Invalid or expired links get the JSON error envelope (404/410) instead.',
  })
  @ApiParam(TOKEN_PARAM)
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, description: 'text/event-stream of `parcel` events' })
  @ApiErrors(404, 410)
  async events(
    @Param('token') token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const orderId = this.tracking.orderIdOfLink(token);
    await this.streams.stream(orderId, req, res, {
      event: 'parcel',
      data: (parcel) => JSON.stringify(parcel),
    });
  }

  @Get(':ref')
  @ApiOperation({
    summary:
      'Look a parcel up by order number (or docket number) and the email it was ordered with',
    description:
      'Unknown numbers and wrong emails get the same 404. Limited per client IP and per ' +
      'order number (429 with Retry-After).',
  })
  @ApiParam({
    name: 'ref',
    description: 'Order number (DKT-YYMMDD-XXXXXX) or 10-digit Sequel247 docket number',
    example: 'DKT-261125-7KQ2XM',
  })
  @ApiEnvelope(PublicParcelDto)
  @ApiErrors(400, 404, 429)
  async lookup(
    @Param('ref') ref: string,
    @Query() query: PublicLookupQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PublicParcelDto> {
    try {
      this.tracking.checkRate(req.ip ?? 'unknown', ref);
    } catch (error) {
      if (error instanceof TooManyLookupsError) {
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
      }
      throw error;
    }
    return this.tracking.lookup(ref, query.email);
  }
}
