import { describe, expect, it } from 'vitest';
import type { OutboxRecord } from '../outbox/outbox-record.js';
import { emailMilestoneOf } from './email-milestones.js';

const record = (type: OutboxRecord['type'], data: Record<string, unknown>): OutboxRecord => ({
  position: '1796164204967-6aa592d2-000000',
  key: 'k',
  type,
  orderId: 'o',
  orderNumber: 'DKT-1',
  userId: 'u',
  occurredAt: new Date(),
  docSeq: 1,
  data,
  relayedAt: new Date(),
});

describe('emailMilestoneOf', () => {
  it.each([
    ['shipped', 'shipped'],
    ['delivered', 'delivered'],
    ['cancelled', 'cancelled'],
    ['returned', 'returned_to_origin'],
  ])('mails the order moving to %s as %s', (to, milestone) => {
    expect(emailMilestoneOf(record('order.status_changed', { from: 'x', to }))).toBe(milestone);
  });

  it('does not mail order moves customers do not need an email for', () => {
    expect(emailMilestoneOf(record('order.status_changed', { to: 'processing' }))).toBeNull();
    expect(emailMilestoneOf(record('order.created', {}))).toBeNull();
  });

  it('mails the courier-only milestones from shipment status changes', () => {
    expect(
      emailMilestoneOf(record('shipment.status_changed', { status: 'OUT_FOR_DELIVERY' })),
    ).toBe('out_for_delivery');
    expect(emailMilestoneOf(record('shipment.status_changed', { status: 'DELIVERY_FAILED' }))).toBe(
      'delivery_failed',
    );
  });

  it('never mails a shipment delivered/returned change (the order change is mailed instead)', () => {
    for (const status of ['DELIVERED', 'RETURNED_TO_ORIGIN', 'ON_THE_ROAD']) {
      expect(emailMilestoneOf(record('shipment.status_changed', { status }))).toBeNull();
    }
    expect(emailMilestoneOf(record('shipment.scan_added', { status: 'DELIVERED' }))).toBeNull();
  });
});
