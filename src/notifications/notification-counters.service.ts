import { Injectable } from '@nestjs/common';

export type NotificationChannel = 'email' | 'webhooks';
/** sent: delivered; retried: a failed attempt that will be tried again; dead: gave up;
 *  skipped: nothing to send (e.g. the customer opted out). */
export type NotificationOutcome = 'sent' | 'retried' | 'dead' | 'skipped';

export type NotificationCountsSnapshot = Record<
  NotificationChannel,
  Record<NotificationOutcome, number>
>;

const empty = (): Record<NotificationOutcome, number> => ({
  sent: 0,
  retried: 0,
  dead: 0,
  skipped: 0,
});

/**
 * Counts of what the senders did since this instance started, per channel. The place metrics
 * read from (an exporter turns `snapshot()` into counters such as
 * `docket_notifications_total{channel,outcome}`).
 */
@Injectable()
export class NotificationCounters {
  private readonly counts: NotificationCountsSnapshot = { email: empty(), webhooks: empty() };

  add(channel: NotificationChannel, outcome: NotificationOutcome, n = 1): void {
    this.counts[channel][outcome] += n;
  }

  snapshot(): NotificationCountsSnapshot {
    return { email: { ...this.counts.email }, webhooks: { ...this.counts.webhooks } };
  }
}
