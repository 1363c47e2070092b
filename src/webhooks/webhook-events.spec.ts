import { describe, expect, it } from 'vitest';
import { webhookMessagesFor, type ChangeRecord } from './webhook-events.js';

const change = (type: string, data: Record<string, unknown> = {}): ChangeRecord => ({
  key: 'k1',
  type,
  orderId: '665f1c2e8b3e4a0012345699',
  position: '0001764626400000-deadbeef-000000',
  occurredAt: new Date('2026-12-01T10:00:00Z'),
  data,
});

describe('webhookMessagesFor', () => {
  it.each(['order.created', 'order.status_changed', 'shipment.created'])(
    'sends %s as itself, with a webhook-id derived from the change key',
    (type) => {
      expect(webhookMessagesFor(change(type))).toEqual([{ type, messageId: 'msg_k1' }]);
    },
  );

  it('adds shipment.delivered (its own webhook-id) when a shipment reaches DELIVERED', () => {
    expect(webhookMessagesFor(change('shipment.status_changed', { status: 'DELIVERED' }))).toEqual([
      { type: 'shipment.status_changed', messageId: 'msg_k1' },
      { type: 'shipment.delivered', messageId: 'msg_k1_delivered' },
    ]);
    expect(
      webhookMessagesFor(change('shipment.status_changed', { status: 'OUT_FOR_DELIVERY' })),
    ).toEqual([{ type: 'shipment.status_changed', messageId: 'msg_k1' }]);
  });

  it('sends nothing for feed events integrators cannot subscribe to', () => {
    expect(webhookMessagesFor(change('shipment.scan_added', { status: 'DELIVERED' }))).toEqual([]);
  });
});
