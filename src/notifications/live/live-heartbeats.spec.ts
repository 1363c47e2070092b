import type { ConfigService } from '@nestjs/config';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AllConfig } from '../../config/index.js';
import { LiveHeartbeats } from './live-heartbeats.js';

const config = (heartbeatSeconds: number) =>
  ({
    getOrThrow: () => ({ live: { heartbeatSeconds } }),
  }) as unknown as ConfigService<AllConfig, true>;

describe('LiveHeartbeats', () => {
  let heartbeats: LiveHeartbeats;

  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    heartbeats?.onModuleDestroy();
    vi.useRealTimers();
  });

  const streams = (n: number) => Array.from({ length: n }, () => ({ heartbeat: vi.fn() }));
  const beats = (s: Array<{ heartbeat: ReturnType<typeof vi.fn> }>) =>
    s.map((x) => x.heartbeat.mock.calls.length);

  it('beats every open stream once per period, from one timer', () => {
    heartbeats = new LiveHeartbeats(config(15));
    const open = streams(1_000);
    for (const s of open) heartbeats.add(s);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(15_000);
    expect(new Set(beats(open))).toEqual(new Set([1]));
    vi.advanceTimersByTime(30_000);
    expect(new Set(beats(open))).toEqual(new Set([3]));
  });

  it('spreads the beats over the period instead of writing to every stream at once', () => {
    heartbeats = new LiveHeartbeats(config(15));
    const open = streams(1_000);
    for (const s of open) heartbeats.add(s);
    // 150 ticks of 100 ms per 15 s: no tick writes to more than 7 of the 1,000 streams.
    let before = 0;
    for (let tick = 0; tick < 150; tick++) {
      vi.advanceTimersByTime(100);
      const total = beats(open).reduce((a, b) => a + b, 0);
      expect(total - before).toBeLessThanOrEqual(Math.ceil(1_000 / 150));
      before = total;
    }
    expect(before).toBe(1_000);
  });

  it('stops beating a closed stream, and runs no timer once none is open', () => {
    heartbeats = new LiveHeartbeats(config(1));
    const [kept, closed] = streams(2);
    heartbeats.add(kept);
    const stop = heartbeats.add(closed);
    vi.advanceTimersByTime(1_000);
    stop();
    stop();
    vi.advanceTimersByTime(3_000);
    expect(beats([kept, closed])).toEqual([4, 1]);
    expect(heartbeats.size).toBe(1);
    heartbeats.add({ heartbeat: vi.fn() })();
    expect(vi.getTimerCount()).toBe(1);
  });

  it('runs no timer while no stream is open', () => {
    heartbeats = new LiveHeartbeats(config(15));
    expect(vi.getTimerCount()).toBe(0);
    const stop = heartbeats.add({ heartbeat: vi.fn() });
    expect(vi.getTimerCount()).toBe(1);
    stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
