import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
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
  description: '10-digit Sequel247 docket number (may start with zeros)',
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
