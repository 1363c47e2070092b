import type { MessageEvent } from '@nestjs/common';
import { Subject } from 'rxjs';
import { outboxRecord } from '../../../test/support/outbox-records.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OutboxFeed } from '../outbox/outbox-feed.service.js';
import type { OutboxRecord } from '../outbox/outbox-record.js';
import { LiveStreamRegistry } from './live-stream-registry.js';
import { LiveStream, type LiveStreamScope } from './live-stream.js';

const record = (
  userId: string,
  orderId: string,
  type: OutboxRecord['type'] = 'order.status_changed',
) => outboxRecord({ userId, orderId, type });

describe('LiveStreamRegistry', () => {
  const feed = new Subject<OutboxRecord>();
  let registry: LiveStreamRegistry;

  afterEach(() => registry?.onModuleDestroy());

  function open(scope: LiveStreamScope, accepts?: (r: OutboxRecord) => boolean) {
    const messages: MessageEvent[] = [];
    const stream = new LiveStream(
      { scope, accepts, toData: (r) => Promise.resolve({ orderId: r.orderId }) },
      { next: (m) => messages.push(m), error: vi.fn(), complete: vi.fn() },
      null,
      100,
    );
    const offer = vi.spyOn(stream, 'offer');
    const close = registry.add(stream);
    return { stream, messages, offer, close };
  }

  const setUp = () => {
    registry = new LiveStreamRegistry({ records$: feed.asObservable() } as unknown as OutboxFeed);
  };

  it("offers a record for user A to A's streams only, never to user B's", async () => {
    setUp();
    const a1 = open({ userId: 'A' });
    const a2 = open({ userId: 'A' });
    const b = open({ userId: 'B' });
    const r = record('A', 'o1');
    feed.next(r);
    expect(a1.offer).toHaveBeenCalledWith(r);
    expect(a2.offer).toHaveBeenCalledWith(r);
    expect(b.offer).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(a1.messages).toHaveLength(1));
    expect(a1.messages[0]).toMatchObject({ id: r.position, data: { orderId: 'o1' } });
    expect(b.messages).toEqual([]);
  });

  it("offers a record to its order's streams and to the unscoped (admin) ones", () => {
    setUp();
    const order = open({ orderId: 'o1' });
    const otherOrder = open({ orderId: 'o2' });
    const admin = open('all', (r) => r.type.startsWith('shipment.'));
    const shipment = record('A', 'o1', 'shipment.scan_added');
    feed.next(shipment);
    expect(order.offer).toHaveBeenCalledWith(shipment);
    expect(admin.offer).toHaveBeenCalledWith(shipment);
    expect(otherOrder.offer).not.toHaveBeenCalled();
  });

  it('offers each record to as many streams as it concerns, however many others are open', () => {
    setUp();
    const others = Array.from({ length: 1_000 }, (_, i) => open({ userId: `u${i}` }));
    const mine = open({ userId: 'me' });
    for (let i = 0; i < 10; i++) feed.next(record('me', `o${i}`));
    expect(mine.offer).toHaveBeenCalledTimes(10);
    expect(others.reduce((n, s) => n + s.offer.mock.calls.length, 0)).toBe(0);
    expect(registry.size).toBe(1_001);
  });

  it('stops offering to a closed stream and forgets users with no stream left', () => {
    setUp();
    const a = open({ userId: 'A' });
    a.close();
    a.close();
    feed.next(record('A', 'o1'));
    expect(a.offer).not.toHaveBeenCalled();
    expect(registry.size).toBe(0);
    expect((registry as unknown as { byUser: Map<string, unknown> }).byUser.size).toBe(0);
  });
});
