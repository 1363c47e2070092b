import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { OrdersModule } from '../orders/orders.module.js';
import { TrackingModule } from '../tracking/tracking.module.js';
import { TrackingPage } from './page/tracking-page.js';
import { ParcelStreamService } from './parcel-stream.service.js';
import { PublicTrackingController } from './public-tracking.controller.js';
import { PublicTrackingService } from './public-tracking.service.js';
import { TrackingLinksModule } from './tracking-links.module.js';

/**
 * Tracking without an account: lookup by number + email, signed links, and the shopper's page.
 * Reads orders and trackings through their services; live updates come from the notifications module's per-order stream.
 */
@Module({
  imports: [OrdersModule, TrackingModule, NotificationsModule, TrackingLinksModule],
  controllers: [PublicTrackingController],
  providers: [PublicTrackingService, ParcelStreamService, TrackingPage],
})
export class PublicTrackingModule {}
