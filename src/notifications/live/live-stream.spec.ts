import type { MessageEvent } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { nextPosition } from '../outbox/outbox-position.js';
import { outboxRecord } from '../../../test/support/outbox-records.js';
import { LiveStream, type LiveStreamSpec } from './live-stream.js';

const record = (userId = 'A') => outboxRecord({ userId });

function stream(
  options: {
    replayFrom?: string | null;
    buffer?: number;
    toData?: LiveStreamSpec<object>['toData'];
  } = {},
) {
  const messages: MessageEvent[] = [];
  const sink = { next: (m: MessageEvent) => messages.push(m), error: vi.fn(), complete: vi.fn() };
  const overflow = vi.fn();
  const live = new LiveStream(
    {
      scope: { userId: 'A' },
      toData: options.toData ?? ((r) => Promise.resolve({ position: r.position })),
    },
    sink,
    options.replayFrom ?? null,
    options.buffer ?? 10,
    overflow,
  );
  return { live, messages, sink, overflow };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('LiveStream', () => {
  it('sends live records in the order offered, each with its position as id', async () => {
    const { live, messages } = stream();
    const records = [record(), record(), record()];
    for (const r of records) live.offer(r);
    await settle();
    expect(messages.map((m) => m.id)).toEqual(records.map((r) => r.position));
  });

  it("ignores a record outside its scope (another user's)", async () => {
    const { live, messages } = stream();
    live.offer(record('B'));
    await settle();
    expect(messages).toEqual([]);
  });

  it('holds live records during the replay and sends each record once, replayed or live', async () => {
    const resumeAfter = nextPosition();
    const [missed1, missed2, fresh] = [record(), record(), record()];
    const { live, messages } = stream({ replayFrom: resumeAfter });
    // The replay's window and the live feed overlap on missed2.
    live.offer(missed2);
    live.offer(fresh);
    await settle();
    expect(messages).toEqual([]);
    await live.replayed(missed1);
    await live.replayed(missed2);
    await live.replayDone();
    await settle();
    expect(messages.map((m) => m.id)).toEqual([missed1.position, missed2.position, fresh.position]);
  });

  it('skips records at or before the resume point, and sends a late one without an id', async () => {
    const old = record();
    const resumeAfter = nextPosition();
    const late = record();
    const newer = record();
    const { live, messages } = stream({ replayFrom: resumeAfter });
    await live.replayDone();
    live.offer(old);
    live.offer(newer);
    live.offer(late);
    await settle();
    expect(messages).toEqual([
      { id: newer.position, data: { position: newer.position } },
      { data: { position: late.position } },
    ]);
  });

  it('ends itself once more records wait than its buffer holds (the client resumes)', () => {
    const { live, sink, overflow } = stream({
      buffer: 3,
      toData: () => new Promise(() => undefined),
    });
    // The first is taken for sending (and never finishes); three wait; the next overflows.
    for (let i = 0; i < 4; i++) live.offer(record());
    expect(live.waiting).toBe(3);
    expect(sink.complete).not.toHaveBeenCalled();
    live.offer(record());
    expect(sink.complete).toHaveBeenCalledTimes(1);
    expect(overflow).toHaveBeenCalledTimes(1);
  });
});
