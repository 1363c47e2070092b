import type { SyncPassSummary } from '../tracking-poller.service.js';

/**
 * A sync pass has finished. Modules that keep work of their own in step with tracking (Orders
 * repairs half-done shipments) listen for it instead of running a schedule of their own.
 */
export class TrackingSyncPassCompletedEvent {
  static readonly eventName = 'tracking.sync-pass-completed';

  constructor(
    readonly passId: string,
    readonly finishedAt: Date,
    /** What the pass did (counts and duration), for observers such as metrics. */
    readonly summary?: SyncPassSummary,
  ) {}
}
