import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CircuitState } from '../courier/sequel247/circuit-breaker.js';
import {
  SEQUEL247_CLIENT,
  type Sequel247Client,
} from '../courier/sequel247/sequel247-client.interface.js';
import { NotificationCounters } from '../notifications/notification-counters.service.js';
import { TrackingBacklogService, type SyncBacklog } from '../tracking/tracking-backlog.service.js';

const CIRCUIT_STATES: CircuitState[] = ['closed', 'open', 'half-open'];

/**
 * Docket's Prometheus metrics, on a registry of its own (one per app, so several apps in one
 * process, as in tests, do not collide). Recorded by the HTTP middleware and the event
 * listeners; the backlog and breaker gauges are read when scraped.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'docket_http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly syncPasses = new Counter({
    name: 'docket_tracking_sync_passes_total',
    help: 'Tracking sync passes completed',
    registers: [this.registry],
  });

  readonly syncPassDuration = new Histogram({
    name: 'docket_tracking_sync_pass_duration_seconds',
    help: 'Duration of tracking sync passes',
    buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });

  readonly syncShipments = new Counter({
    name: 'docket_tracking_sync_shipments_total',
    help: 'Shipments handled by sync passes, by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly courierCalls = new Counter({
    name: 'docket_courier_calls_total',
    help: 'Courier API calls (after retries) by courier, endpoint and outcome',
    labelNames: ['courier', 'endpoint', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly courierCallDuration = new Histogram({
    name: 'docket_courier_call_duration_seconds',
    help: 'Courier API call latency (including retries) by courier and endpoint',
    labelNames: ['courier', 'endpoint'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  private pendingBacklog: Promise<SyncBacklog> | null = null;

  constructor(
    private readonly backlog: TrackingBacklogService,
    @Inject(SEQUEL247_CLIENT) private readonly courier: Sequel247Client,
    notifications: NotificationCounters,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'docket_' });
    const readBacklog = () => this.currentBacklog();
    new Gauge({
      name: 'docket_tracking_shipments_due',
      help: 'Live shipments whose next courier poll is due now',
      registers: [this.registry],
      async collect() {
        this.set((await readBacklog()).due);
      },
    });
    new Gauge({
      name: 'docket_tracking_shipments_overdue',
      help: 'Live shipments waiting more than one poll interval past their due time',
      registers: [this.registry],
      async collect() {
        this.set((await readBacklog()).overdue);
      },
    });
    new Gauge({
      name: 'docket_tracking_sync_lag_seconds',
      help: 'How long the most overdue live shipment has waited past its due poll',
      registers: [this.registry],
      async collect() {
        this.set((await readBacklog()).lagSeconds);
      },
    });
    new Counter({
      name: 'docket_notifications_total',
      help: 'Customer emails and webhooks since this instance started, by channel and outcome (sent, retried, dead, skipped)',
      labelNames: ['channel', 'outcome'] as const,
      registers: [this.registry],
      collect() {
        // NotificationCounters only ever grow: the counter mirrors them at each scrape.
        this.reset();
        for (const [channel, outcomes] of Object.entries(notifications.snapshot())) {
          for (const [outcome, n] of Object.entries(outcomes)) this.inc({ channel, outcome }, n);
        }
      },
    });
    const circuitState = () => this.circuitState();
    new Gauge({
      name: 'docket_courier_circuit_state',
      help: 'Courier circuit breaker state: 1 for the current state, 0 for the others',
      labelNames: ['courier', 'state'] as const,
      registers: [this.registry],
      collect() {
        const current = circuitState();
        for (const state of CIRCUIT_STATES) {
          this.set({ courier: 'Sequel247', state }, state === current ? 1 : 0);
        }
      },
    });
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /**
   * Read once per scrape (three cheap queries on the `{ terminal, nextSyncAt }` index on
   * MongoDB) and shared by the three backlog gauges.
   */
  private currentBacklog(): Promise<SyncBacklog> {
    // The three gauges are collected together: share one read while it is in flight.
    this.pendingBacklog ??= this.backlog.backlog().finally(() => {
      this.pendingBacklog = null;
    });
    return this.pendingBacklog;
  }

  private circuitState(): CircuitState {
    return (this.courier as Partial<{ circuitState: CircuitState }>).circuitState ?? 'closed';
  }
}
