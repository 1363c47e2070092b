import { Module } from '@nestjs/common';
import { Sequel247Module } from '../courier/sequel247/sequel247.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { TrackingModule } from '../tracking/tracking.module.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsListener } from './metrics.listener.js';
import { MetricsTokenGuard } from './metrics-token.guard.js';
import { MetricsService } from './metrics.service.js';

/** `GET /api/metrics` for Prometheus; see README "Metrics". */
@Module({
  imports: [TrackingModule, Sequel247Module, NotificationsModule],
  controllers: [MetricsController],
  providers: [MetricsService, MetricsListener, MetricsTokenGuard],
  exports: [MetricsService],
})
export class MetricsModule {}
