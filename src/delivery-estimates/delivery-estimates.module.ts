import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { MongooseModule } from '@nestjs/mongoose';
import { CourierModule } from '../courier/courier.module.js';
import { DeliveredShipmentsListener } from './delivered-shipments.listener.js';
import { DeliveryEstimateThrottlerGuard } from './delivery-estimate-throttler.guard.js';
import { deliveryEstimatesConfig } from './delivery-estimates.config.js';
import { DeliveryEstimatesController } from './delivery-estimates.controller.js';
import { DeliveryEstimatesService } from './delivery-estimates.service.js';
import { LaneHistoryService } from './lane-history.service.js';
import { DeliveryJourney, DeliveryJourneySchema } from './schemas/delivery-journey.schema.js';

/**
 * Delivery dates: the public checkout estimate, and Docket's own estimate for active shipments
 * from the transit times of delivered ones. Owns `delivery_journeys`; learns from Tracking's
 * events; asks couriers only through the courier seam. Orders uses the exported service.
 */
@Module({
  imports: [
    ConfigModule.forFeature(deliveryEstimatesConfig),
    MongooseModule.forFeature([{ name: DeliveryJourney.name, schema: DeliveryJourneySchema }]),
    CourierModule,
  ],
  controllers: [DeliveryEstimatesController],
  providers: [
    DeliveryEstimatesService,
    LaneHistoryService,
    DeliveredShipmentsListener,
    DeliveryEstimateThrottlerGuard,
  ],
  exports: [DeliveryEstimatesService],
})
export class DeliveryEstimatesModule {}
