import type { MessageEvent } from '@nestjs/common';
import type { OutboxRecord } from '../outbox/outbox-record.js';

/** Positions a stream remembers having sent (bounded). */
const SENT_MEMORY = 2_000;

/**
 * Which records a stream carries. The registry files each open stream under its scope, so a
 * record is offered only to the streams of its user, of its order, and to the unscoped ones;
 * the same scope is the replay filter (top-level equality, which FerretDB pushes down).
 */
export type LiveStreamScope = { userId: string } | { orderId: string } | 'all';

export interface LiveStreamSpec<T> {
  scope: LiveStreamScope;
  /** A further filter within the scope (e.g. the admin stream: shipment records only). */
  accepts?(record: OutboxRecord): boolean;
  /** The event data for a record, or null to skip it (e.g. its order is gone). */
  toData(record: OutboxRecord): Promise<T | null>;
  /** The `Last-Event-ID` the client sent, if any (ignored when malformed or too old). */
  lastEventId?: string | null;
}

/** Where a stream's messages go (the subscriber of the Observable Nest writes out). */
export interface LiveStreamSink {
  next(message: MessageEvent): void;
  error(error: unknown): void;
  complete(): void;
}

/** A comment-only message (no data): Nest writes `: heartbeat`, which clients ignore. */
const HEARTBEAT = { comment: 'heartbeat' } as unknown as MessageEvent;

/**
 * One open stream's state: records waiting to be sent (at most `bufferLimit`, past which the
 * stream ends and the client resumes with its Last-Event-ID), the positions recently sent
 * (replay and live can overlap; a late record comes behind the highest id), and the highest id
 * sent. Records are sent one at a time, in the order they were offered; none is sent while the
 * replay of what the client missed runs (`replay.send` sends those), the live ones wait.
 */
export class LiveStream<T extends object = object> {
  private readonly queue: OutboxRecord[] = [];
  private readonly sent = new Set<string>();
  /** The highest id sent: what the client will send back as Last-Event-ID. */
  private lastId: string | null;
  private replaying: boolean;
  private draining = false;
  private closed = false;

  constructor(
    readonly spec: LiveStreamSpec<T>,
    private readonly sink: LiveStreamSink,
    /** Replay starts after this position; null: the client missed nothing (no replay). */
    private readonly replayFrom: string | null,
    private readonly bufferLimit: number,
    private readonly onOverflow: () => void = () => undefined,
  ) {
    this.lastId = replayFrom;
    this.replaying = replayFrom !== null;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Records waiting to be sent. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Whether the record belongs on this stream (its scope and its own filter). */
  wants(record: OutboxRecord): boolean {
    const { scope } = this.spec;
    if (scope !== 'all') {
      if ('userId' in scope ? record.userId !== scope.userId : record.orderId !== scope.orderId) {
        return false;
      }
    }
    return this.spec.accepts ? this.spec.accepts(record) : true;
  }

  /** A live record of this stream's scope: queued, then sent in turn. */
  offer(record: OutboxRecord): void {
    if (this.closed || !this.wants(record)) return;
    if (this.queue.length >= this.bufferLimit) {
      this.onOverflow();
      this.sink.complete();
      return;
    }
    this.queue.push(record);
    void this.drain();
  }

  heartbeat(): void {
    if (!this.closed) this.sink.next(HEARTBEAT);
  }

  /** Sends one replayed record (the replay reads them in feed order). */
  async replayed(record: OutboxRecord): Promise<void> {
    if (this.wants(record)) await this.send(record);
  }

  /** The replay is over: what came live meanwhile goes out now. */
  replayDone(): Promise<void> {
    this.replaying = false;
    return this.drain();
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private async send(record: OutboxRecord): Promise<void> {
    if (this.sent.has(record.position)) return;
    if (this.replayFrom !== null && record.position <= this.replayFrom) return;
    const data = await this.spec.toData(record);
    if (this.closed) return;
    this.sent.add(record.position);
    if (this.sent.size > SENT_MEMORY) this.sent.delete(this.sent.values().next().value!);
    if (!data) return;
    if (this.lastId === null || record.position > this.lastId) {
      this.lastId = record.position;
      this.sink.next({ id: record.position, data });
    } else {
      // A record that became visible late: sent without an id, so the client's
      // Last-Event-ID stays at the highest one and a resume cannot repeat anything.
      this.sink.next({ data });
    }
  }

  private async drain(): Promise<void> {
    if (this.draining || this.replaying || this.closed) return;
    this.draining = true;
    try {
      while (this.queue.length && !this.closed) await this.send(this.queue.shift()!);
    } catch (error) {
      this.sink.error(error);
    } finally {
      this.draining = false;
    }
  }
}
