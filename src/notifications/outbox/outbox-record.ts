import type { OutboxEventType } from '../../common/outbox/outbox-entry.js';

/** A relayed change as consumers see it. */
export interface OutboxRecord {
  /** Feed position: monotonic per instance, time-ordered across instances; the SSE event id. */
  position: string;
  /** Unique per change: the idempotency key for anything sent because of it. */
  key: string;
  type: OutboxEventType;
  orderId: string;
  orderNumber: string;
  userId: string;
  occurredAt: Date;
  /** Order of the change among its order's (or shipment's) changes. */
  docSeq: number;
  data: Record<string, unknown>;
  relayedAt: Date;
}

/**
 * Emitted through Nest's EventEmitter2 on EVERY instance, once per record that instance's feed
 * reads (records written by any instance), in feed order. Listeners must be idempotent: after a
 * restart, records since the last durable checkpoint may be seen again.
 */
export class OutboxRecordEvent {
  static readonly eventName = 'outbox.record';
  constructor(readonly record: OutboxRecord) {}
}
