import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfig } from '../../config/index.js';

/** Anything that takes a heartbeat (a LiveStream). */
export interface Beating {
  heartbeat(): void;
}

/** Short enough that one tick writes to a few streams only (about 7 of 1,000 every 15 s). */
const TICK_MS = 100;

/**
 * One timer for the heartbeats of every open stream on this instance (not one per stream). The
 * streams are spread round-robin over the period's 100 ms slots and each tick beats one slot,
 * so every stream gets a heartbeat once per LIVE_HEARTBEAT_SECONDS and the writes are spread
 * evenly over the period: streams opened together (one timer each would fire together) do not
 * make one burst of writes that holds up the requests being served meanwhile. The timer runs
 * only while a stream is open.
 */
@Injectable()
export class LiveHeartbeats implements OnModuleDestroy {
  private readonly slots: Array<Set<Beating>>;
  private nextSlot = 0;
  private tick = 0;
  private count = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(config: ConfigService<AllConfig, true>) {
    const seconds = config.getOrThrow('notifications', { infer: true }).live.heartbeatSeconds;
    const slots = Math.max(1, Math.round((seconds * 1000) / TICK_MS));
    this.slots = Array.from({ length: slots }, () => new Set());
  }

  /** Streams taking heartbeats. */
  get size(): number {
    return this.count;
  }

  /** Beats the stream once per period until the returned function is called. */
  add(stream: Beating): () => void {
    const slot = this.slots[this.nextSlot];
    this.nextSlot = (this.nextSlot + 1) % this.slots.length;
    slot.add(stream);
    this.count += 1;
    if (!this.timer) this.start();
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      slot.delete(stream);
      this.count -= 1;
      if (this.count === 0) this.stop();
    };
  }

  onModuleDestroy(): void {
    this.stop();
  }

  private start(): void {
    this.timer = setInterval(() => this.beat(), TICK_MS);
    this.timer.unref();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private beat(): void {
    const slot = this.slots[this.tick];
    this.tick = (this.tick + 1) % this.slots.length;
    for (const stream of slot) stream.heartbeat();
  }
}
