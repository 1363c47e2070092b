import { Injectable, Logger, type MessageEvent } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Observable } from 'rxjs';
import { errorMessage } from '../../common/errors/error-message.js';
import type { AllConfig } from '../../config/index.js';
import type { OutboxRecord } from '../outbox/outbox-record.js';
import { OutboxFeed } from '../outbox/outbox-feed.service.js';
import { isPosition, positionAt, timeOfPosition } from '../outbox/outbox-position.js';
import { OutboxService } from '../outbox/outbox.service.js';

/** How far back a `Last-Event-ID` is honoured. */
const REPLAY_WINDOW_MS = 24 * 60 * 60 * 1000;
const REPLAY_PAGE = 500;
/** Positions a stream remembers having sent (bounded). */
const SENT_MEMORY = 2_000;

export interface LiveStreamSpec<T> {
  /** Which records this stream carries (live side). */
  matches(record: OutboxRecord): boolean;
  /** Replay filter; top-level equality so FerretDB pushes it down. Omit for all records. */
  replayFilter?: { orderId?: string; userId?: string };
  /** The event data for a record, or null to skip it (e.g. its order is gone). */
  toData(record: OutboxRecord): Promise<T | null>;
  /** The `Last-Event-ID` the client sent, if any (ignored when malformed or too old). */
  lastEventId?: string | null;
}

/**
 * Builds SSE streams over the outbox feed: replay of what a reconnecting client missed (from
 * its `Last-Event-ID`, within 24 h), then live records, in feed order, without duplicates, with
 * heartbeat comments. Each event's `id` is the record's feed position. Memory per stream is
 * bounded: past LIVE_STREAM_BUFFER waiting records the stream ends and the client (EventSource
 * reconnects by itself) resumes with its Last-Event-ID; Nest's `maxPendingDataLength` bounds
 * what waits in the socket.
 *
 * Reusable: `stream()` takes any record filter and any event shape (the public tracking page
 * uses it scoped to one order with its own redacted view).
 */
@Injectable()
export class LiveStreams {
  private readonly logger = new Logger(LiveStreams.name);
  private readonly settings: AllConfig['notifications']['live'];
  private open = 0;

  constructor(
    private readonly feed: OutboxFeed,
    private readonly outbox: OutboxService,
    config: ConfigService<AllConfig, true>,
  ) {
    this.settings = config.getOrThrow('notifications', { infer: true }).live;
  }

  /** Streams open on this instance right now. */
  get openStreams(): number {
    return this.open;
  }

  /**
   * The stream of one order's changes (e.g. the public tracking page, scoped by its signed
   * token), with `toData` shaping each event (return null to skip a record).
   */
  forOrder<T extends object>(
    orderId: string,
    toData: (record: OutboxRecord) => Promise<T | null>,
    lastEventId?: string | null,
  ): Observable<MessageEvent> {
    return this.stream({
      matches: (record) => record.orderId === orderId,
      replayFilter: { orderId },
      toData,
      lastEventId,
    });
  }

  stream<T extends object>(spec: LiveStreamSpec<T>): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      this.open += 1;
      const queue: OutboxRecord[] = [];
      const replayFrom = this.startAfter(spec.lastEventId);
      /** The highest id sent: what the client will send back as Last-Event-ID. */
      let lastId = replayFrom;
      /** Recently sent positions (replay and live can overlap; late records come behind). */
      const sent = new Set<string>();
      const replayUpTo = this.feed.livePosition;
      let replaying = replayFrom !== null;
      let draining = false;
      let closed = false;

      const send = async (record: OutboxRecord) => {
        if (sent.has(record.position)) return;
        if (replayFrom !== null && record.position <= replayFrom) return;
        const data = await spec.toData(record);
        if (closed) return;
        sent.add(record.position);
        if (sent.size > SENT_MEMORY) sent.delete(sent.values().next().value!);
        if (!data) return;
        if (lastId === null || record.position > lastId) {
          lastId = record.position;
          subscriber.next({ id: record.position, data });
        } else {
          // A record that became visible late: sent without an id, so the client's
          // Last-Event-ID stays at the highest one and a resume cannot repeat anything.
          subscriber.next({ data });
        }
      };
      const drain = async () => {
        if (draining || replaying || closed) return;
        draining = true;
        try {
          while (queue.length && !closed) await send(queue.shift()!);
        } catch (error) {
          subscriber.error(error);
        } finally {
          draining = false;
        }
      };

      const live = this.feed.records$.subscribe((record) => {
        if (!spec.matches(record)) return;
        if (queue.length >= this.settings.bufferPerStream) {
          this.logger.warn('A live stream fell too far behind; closing it (the client resumes)');
          subscriber.complete();
          return;
        }
        queue.push(record);
        void drain();
      });
      // A comment-only message (no data): Nest writes `: heartbeat`, which clients ignore.
      const beat = { comment: 'heartbeat' } as unknown as MessageEvent;
      const heartbeat = setInterval(
        () => subscriber.next(beat),
        this.settings.heartbeatSeconds * 1000,
      );
      heartbeat.unref();

      if (replaying) {
        this.replay(spec, replayFrom!, replayUpTo, send)
          .then(() => {
            replaying = false;
            return drain();
          })
          .catch((error: unknown) => {
            this.logger.error(`Live stream replay failed: ${errorMessage(error)}`);
            subscriber.error(error);
          });
      }

      return () => {
        closed = true;
        this.open -= 1;
        live.unsubscribe();
        clearInterval(heartbeat);
      };
    });
  }

  /** Where replay starts: the client's last id, clamped to the replay window; null: no replay. */
  private startAfter(lastEventId: string | null | undefined): string | null {
    if (!lastEventId || !isPosition(lastEventId)) return null;
    const oldest = positionAt(Date.now() - REPLAY_WINDOW_MS);
    return timeOfPosition(lastEventId) < timeOfPosition(oldest) ? oldest : lastEventId;
  }

  private async replay<T extends object>(
    spec: LiveStreamSpec<T>,
    after: string,
    upTo: string,
    send: (record: OutboxRecord) => Promise<void>,
  ): Promise<void> {
    let cursor = after;
    for (;;) {
      const page = spec.replayFilter
        ? await this.outbox.readWhere(spec.replayFilter, cursor, upTo, REPLAY_PAGE)
        : await this.outbox.readRange(cursor, `${upTo}\uffff`, REPLAY_PAGE);
      for (const record of page) if (spec.matches(record)) await send(record);
      if (page.length < REPLAY_PAGE) return;
      cursor = page[page.length - 1].position;
    }
  }
}
