import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { CourierCallCompletedEvent } from '../courier/sequel247/events/courier-call-completed.event.js';
import { TrackingSyncPassCompletedEvent } from '../tracking/events/tracking-sync-pass-completed.event.js';
import { MetricsService } from './metrics.service.js';

/** Turns domain events into metrics; tracking and the courier client know nothing of metrics. */
@Injectable()
export class MetricsListener {
  constructor(private readonly metrics: MetricsService) {}

  @OnEvent(TrackingSyncPassCompletedEvent.eventName)
  onSyncPass(event: TrackingSyncPassCompletedEvent): void {
    this.metrics.syncPasses.inc();
    const summary = event.summary;
    if (!summary) return;
    this.metrics.syncPassDuration.observe(summary.durationMs / 1000);
    const results: Record<string, number> = {
      changed: summary.changed,
      unchanged: summary.unchanged,
      failed: summary.failed,
      not_found: summary.notFound,
      lost_lease: summary.lostLeases,
    };
    for (const [result, count] of Object.entries(results)) {
      if (count > 0) this.metrics.syncShipments.inc({ result }, count);
    }
  }

  @OnEvent(CourierCallCompletedEvent.eventName)
  onCourierCall(event: CourierCallCompletedEvent): void {
    const labels = { courier: event.courier, endpoint: event.endpoint };
    this.metrics.courierCalls.inc({ ...labels, outcome: event.outcome });
    this.metrics.courierCallDuration.observe(labels, event.durationMs / 1000);
  }
}
