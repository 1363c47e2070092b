import { nextPosition } from '../../src/notifications/outbox/outbox-position.js';
import type { OutboxRecord } from '../../src/notifications/outbox/outbox-record.js';

/** An outbox record for unit tests of its consumers: a fresh position, the rest overridable. */
export function outboxRecord(fields: Partial<OutboxRecord> = {}): OutboxRecord {
  const position = fields.position ?? nextPosition();
  return {
    position,
    key: position,
    type: 'order.status_changed',
    orderId: 'o1',
    orderNumber: 'DKT-1',
    userId: 'A',
    occurredAt: new Date(),
    docSeq: 1,
    data: {},
    relayedAt: new Date(),
    ...fields,
  };
}
