import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { Auth } from '../auth/decorators/auth.decorator.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import type { Page } from '../common/pagination/pagination.js';
import {
  ApiEnvelope,
  ApiErrors,
  ApiPaginatedEnvelope,
} from '../common/swagger/api-responses.decorator.js';
import { Role } from '../users/role.enum.js';
import { DocketNumberPipe } from './docket-number.pipe.js';
import { ListTrackingsQueryDto } from './dto/list-trackings.query.js';
import { RecordScanDto } from './dto/record-scan.dto.js';
import { SyncPassSummaryDto } from './dto/sync-pass-summary.dto.js';
import {
  AdminTrackingDto,
  toAdminTrackingDto,
  toTrackingDto,
  TrackingDto,
  TrackingSummaryDto,
} from './dto/tracking.dto.js';
import { TrackingSyncService } from './tracking-sync.service.js';
import { TrackingService } from './tracking.service.js';

const DOCKET_PARAM = {
  name: 'docketNumber',
  description:
    'Tracking number: a 10-digit Sequel247 docket (may start with zeros) or a manual ' +
    "parcel's free-form number",
  example: '0581094993',
};

@ApiTags('tracking')
@Controller('tracking')
export class TrackingController {
  constructor(
    private readonly tracking: TrackingService,
    private readonly sync: TrackingSyncService,
  ) {}

  // Static admin routes first, so "admin" is never taken for a docket number.
  @Get('admin')
  @Auth(Role.Admin)
  @ApiOperation({
    summary: 'List tracked shipments (admin), newest first; filter by status, stale or failing',
  })
  @ApiPaginatedEnvelope(TrackingSummaryDto)
  @ApiErrors(400)
  async list(@Query() query: ListTrackingsQueryDto): Promise<Page<TrackingSummaryDto>> {
    return this.tracking.listAdmin(query);
  }

  @Post('admin/sync')
  @Auth(Role.Admin)
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Run a tracking sync pass now (admin); joins the pass already running on this instance',
  })
  @ApiEnvelope(SyncPassSummaryDto)
  @ApiErrors(503)
  runPass(): Promise<SyncPassSummaryDto> {
    return this.sync.runPass();
  }

  @Post('admin/:docketNumber/refresh')
  @Auth(Role.Admin)
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Poll the courier for one docket now (admin); a courier failure is reported in lastError',
  })
  @ApiParam(DOCKET_PARAM)
  @ApiEnvelope(AdminTrackingDto)
  @ApiErrors(400, 404, 409)
  async refresh(
    @Param('docketNumber', DocketNumberPipe) docketNumber: string,
  ): Promise<AdminTrackingDto> {
    return toAdminTrackingDto(await this.tracking.refreshNow(docketNumber));
  }

  @Post('admin/:docketNumber/scans')
  @Auth(Role.Admin)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Record a milestone of a manual parcel (admin)',
    description:
      'For parcels shipped with `courierService: "Manual"` (a courier Docket has no API for, ' +
      'or by hand). The milestone joins the scan history as a courier scan would (the same ' +
      'one twice is kept once), the status moves forward only, and the same events follow: ' +
      'the order moves as for Sequel247 (e.g. DELIVERED delivers the order once every parcel ' +
      'is delivered; RETURNED_TO_ORIGIN puts its units back in stock once). 400: not a manual ' +
      'parcel (COURIER_CAPABILITY_MISSING) or a time in the future; 409: a backward or final ' +
      'status (TRACKING_STATUS_NOT_ALLOWED).',
  })
  @ApiParam(DOCKET_PARAM)
  @ApiEnvelope(AdminTrackingDto)
  @ApiErrors(400, 404, 409)
  async recordScan(
    @Param('docketNumber', DocketNumberPipe) docketNumber: string,
    @Body() dto: RecordScanDto,
  ): Promise<AdminTrackingDto> {
    return toAdminTrackingDto(await this.tracking.recordManualScan(docketNumber, dto));
  }

  @Get(':docketNumber')
  @Auth()
  @ApiOperation({
    summary: "A shipment's tracking with its scan history (its customer or an admin)",
  })
  @ApiParam(DOCKET_PARAM)
  @ApiEnvelope(TrackingDto)
  @ApiErrors(400, 404)
  async get(
    @Param('docketNumber', DocketNumberPipe) docketNumber: string,
    @CurrentUser() user: AuthUser,
  ): Promise<TrackingDto> {
    return toTrackingDto(await this.tracking.getForUser(docketNumber, user));
  }
}
