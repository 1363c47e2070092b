import type { MessageEvent } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { Subject } from 'rxjs';
import { outboxRecord } from '../../../test/support/outbox-records.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AllConfig } from '../../config/index.js';
import type { OutboxFeed } from '../outbox/outbox-feed.service.js';
import { nextPosition, positionAt } from '../outbox/outbox-position.js';
import type { OutboxRecord } from '../outbox/outbox-record.js';
import type { OutboxService } from '../outbox/outbox.service.js';
import { LiveHeartbeats } from './live-heartbeats.js';
import { LiveStreamRegistry } from './live-stream-registry.js';
import { LiveStreams } from './live-streams.service.js';

const record = (userId: string) => outboxRecord({ userId, orderId: `o-${userId}` });

describe('LiveStreams', () => {
  const config = {
    getOrThrow: () => ({ live: { heartbeatSeconds: 15, bufferPerStream: 50 } }),
  } as unknown as ConfigService<AllConfig, true>;
  let feed: Subject<OutboxRecord>;
  let outbox: { readWhere: ReturnType<typeof vi.fn>; readRange: ReturnType<typeof vi.fn> };
  let registry: LiveStreamRegistry;
  let heartbeats: LiveHeartbeats;
  let streams: LiveStreams;

  beforeEach(() => {
    vi.useFakeTimers();
    feed = new Subject();
    outbox = { readWhere: vi.fn(() => Promise.resolve([])), readRange: vi.fn() };
    const outboxFeed = {
      records$: feed.asObservable(),
      livePosition: positionAt(Date.now()),
    } as unknown as OutboxFeed;
    registry = new LiveStreamRegistry(outboxFeed);
    heartbeats = new LiveHeartbeats(config);
    streams = new LiveStreams(
      outboxFeed,
      outbox as unknown as OutboxService,
      registry,
      heartbeats,
      config,
    );
  });

  afterEach(() => {
    registry.onModuleDestroy();
    heartbeats.onModuleDestroy();
    vi.useRealTimers();
  });

  const open = (userId: string, lastEventId?: string) => {
    const messages: MessageEvent[] = [];
    const subscription = streams
      .stream({
        scope: { userId },
        toData: (r) => Promise.resolve({ orderId: r.orderId }),
        lastEventId,
      })
      .subscribe((m) => messages.push(m));
    return { messages, subscription };
  };

  it('reads nothing from the database for a stream that is open and idle, however long', async () => {
    const streamsOpen = Array.from({ length: 100 }, (_, i) => open(`u${i}`));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(outbox.readWhere).not.toHaveBeenCalled();
    expect(outbox.readRange).not.toHaveBeenCalled();
    // Kept alive meanwhile: four heartbeats each in a minute, and nothing else.
    for (const { messages } of streamsOpen) {
      expect(messages).toEqual(Array(4).fill({ comment: 'heartbeat' }));
    }
  });

  it("replays once, scoped to the stream's user, when the client resumes", async () => {
    open('u1', nextPosition());
    await vi.advanceTimersByTimeAsync(60_000);
    expect(outbox.readWhere).toHaveBeenCalledTimes(1);
    expect(outbox.readWhere.mock.calls[0][0]).toEqual({ userId: 'u1' });
  });

  it("delivers a record to its user's stream only, and releases a closed stream", async () => {
    const a = open('A');
    const b = open('B');
    const r = record('A');
    feed.next(r);
    await vi.advanceTimersByTimeAsync(0);
    expect(a.messages).toEqual([{ id: r.position, data: { orderId: 'o-A' } }]);
    expect(b.messages).toEqual([]);
    expect(streams.openStreams).toBe(2);
    a.subscription.unsubscribe();
    b.subscription.unsubscribe();
    expect(streams.openStreams).toBe(0);
    expect(heartbeats.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
