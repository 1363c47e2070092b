import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { OutboxRecord } from '../outbox/outbox-record.js';
import { OutboxFeed } from '../outbox/outbox-feed.service.js';
import type { LiveStream } from './live-stream.js';

/**
 * The open streams of this instance, filed by scope: by user (customer streams), by order (the
 * public tracking page) and unscoped (the admin stream). The one subscription to the feed hands
 * each record to the streams filed under its user and its order, and to the unscoped ones, so
 * the work per record follows the streams it concerns, not the number of streams open.
 */
@Injectable()
export class LiveStreamRegistry implements OnModuleDestroy {
  private readonly byUser = new Map<string, Set<LiveStream>>();
  private readonly byOrder = new Map<string, Set<LiveStream>>();
  private readonly unscoped = new Set<LiveStream>();
  private readonly subscription: Subscription;
  private count = 0;

  constructor(feed: OutboxFeed) {
    this.subscription = feed.records$.subscribe((record) => this.dispatch(record));
  }

  /** Streams open on this instance right now. */
  get size(): number {
    return this.count;
  }

  /** Files the stream under its scope; the returned function takes it out again (once). */
  add(stream: LiveStream): () => void {
    const { scope } = stream.spec;
    const remove =
      scope === 'all'
        ? this.addTo(this.unscoped, stream)
        : 'userId' in scope
          ? this.addUnder(this.byUser, scope.userId, stream)
          : this.addUnder(this.byOrder, scope.orderId, stream);
    this.count += 1;
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.count -= 1;
      remove();
    };
  }

  /** Offers the record to the streams it concerns, and to no other. */
  dispatch(record: OutboxRecord): void {
    const forUser = this.byUser.get(record.userId);
    if (forUser) for (const stream of forUser) stream.offer(record);
    const forOrder = this.byOrder.get(record.orderId);
    if (forOrder) for (const stream of forOrder) stream.offer(record);
    for (const stream of this.unscoped) stream.offer(record);
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }

  private addTo(set: Set<LiveStream>, stream: LiveStream): () => void {
    set.add(stream);
    return () => set.delete(stream);
  }

  private addUnder(index: Map<string, Set<LiveStream>>, key: string, stream: LiveStream) {
    let set = index.get(key);
    if (!set) index.set(key, (set = new Set()));
    set.add(stream);
    return () => {
      set.delete(stream);
      // An empty entry per user who once had a stream would grow without bound.
      if (set.size === 0 && index.get(key) === set) index.delete(key);
    };
  }
}
