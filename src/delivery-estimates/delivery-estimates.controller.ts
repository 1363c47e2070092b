import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators/public.decorator.js';
import { ApiEnvelope, ApiErrors } from '../common/swagger/api-responses.decorator.js';
import { DeliveryEstimateThrottlerGuard } from './delivery-estimate-throttler.guard.js';
import { DeliveryEstimatesService } from './delivery-estimates.service.js';
import { DeliveryEstimateQueryDto } from './dto/delivery-estimate.query.js';
import { DeliveryEstimateDto } from './dto/delivery-estimate.dto.js';

/**
 * Public (no bearer token: shoppers ask before they have an account), hence rate-limited per
 * client IP.
 */
@ApiTags('delivery estimates')
@Public()
@Controller('delivery-estimate')
@UseGuards(DeliveryEstimateThrottlerGuard)
export class DeliveryEstimatesController {
  constructor(private readonly estimates: DeliveryEstimatesService) {}

  @Get()
  @ApiOperation({
    summary: 'Checkout: can we deliver to a pincode, with cash on delivery, and when',
    description:
      'Public and rate-limited. An unserved pincode is a normal answer (`serviceable: false`), ' +
      'not an error; a malformed one is a 400.',
  })
  @ApiEnvelope(DeliveryEstimateDto)
  @ApiErrors(400, 429, 502, 503)
  async estimate(@Query() query: DeliveryEstimateQueryDto): Promise<DeliveryEstimateDto> {
    return DeliveryEstimateDto.of(await this.estimates.forCheckout(query.pincode));
  }
}
