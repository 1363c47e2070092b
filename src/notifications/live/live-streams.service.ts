import { Injectable, Logger, type MessageEvent } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Observable } from 'rxjs';
import { errorMessage } from '../../common/errors/error-message.js';
import type { AllConfig } from '../../config/index.js';
import type { OutboxRecord } from '../outbox/outbox-record.js';
import { OutboxFeed } from '../outbox/outbox-feed.service.js';
import { isPosition, positionAt, timeOfPosition } from '../outbox/outbox-position.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { LiveHeartbeats } from './live-heartbeats.js';
import { LiveStreamRegistry } from './live-stream-registry.js';
import { LiveStream, type LiveStreamSpec } from './live-stream.js';

export type { LiveStreamScope, LiveStreamSpec } from './live-stream.js';

/** How far back a `Last-Event-ID` is honoured. */
const REPLAY_WINDOW_MS = 24 * 60 * 60 * 1000;
const REPLAY_PAGE = 500;

/**
 * Builds SSE streams over the outbox feed: replay of what a reconnecting client missed (from
 * its `Last-Event-ID`, within 24 h), then live records, in feed order, without duplicates, with
 * heartbeat comments. Each event's `id` is the record's feed position. Memory per stream is
 * bounded: past LIVE_STREAM_BUFFER waiting records the stream ends and the client (EventSource
 * reconnects by itself) resumes with its Last-Event-ID; Nest's `maxPendingDataLength` bounds
 * what waits in the socket.
 *
 * An open stream costs nothing while nothing happens to it: records reach it through the
 * registry's index by scope (LiveStreamRegistry), heartbeats come from one shared timer
 * (LiveHeartbeats), and the database is read only to replay, once, when it opens.
 *
 * Reusable: `stream()` takes any scope and any event shape (the public tracking page uses it
 * scoped to one order with its own redacted view).
 */
@Injectable()
export class LiveStreams {
  private readonly logger = new Logger(LiveStreams.name);
  private readonly settings: AllConfig['notifications']['live'];

  constructor(
    private readonly feed: OutboxFeed,
    private readonly outbox: OutboxService,
    private readonly registry: LiveStreamRegistry,
    private readonly heartbeats: LiveHeartbeats,
    config: ConfigService<AllConfig, true>,
  ) {
    this.settings = config.getOrThrow('notifications', { infer: true }).live;
  }

  /** Streams open on this instance right now. */
  get openStreams(): number {
    return this.registry.size;
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
    return this.stream({ scope: { orderId }, toData, lastEventId });
  }

  stream<T extends object>(spec: LiveStreamSpec<T>): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      const replayFrom = this.startAfter(spec.lastEventId);
      // Replay reads up to where the feed is now; anything later reaches the stream live.
      const replayUpTo = this.feed.livePosition;
      const stream = new LiveStream(
        spec,
        subscriber,
        replayFrom,
        this.settings.bufferPerStream,
        () =>
          this.logger.warn('A live stream fell too far behind; closing it (the client resumes)'),
      );
      const unregister = this.registry.add(stream);
      const stopHeartbeats = this.heartbeats.add(stream);

      if (replayFrom !== null) {
        this.replay(stream, replayFrom, replayUpTo)
          .then(() => stream.replayDone())
          .catch((error: unknown) => {
            this.logger.error(`Live stream replay failed: ${errorMessage(error)}`);
            subscriber.error(error);
          });
      }

      return () => {
        stream.close();
        unregister();
        stopHeartbeats();
      };
    });
  }

  /** Where replay starts: the client's last id, clamped to the replay window; null: no replay. */
  private startAfter(lastEventId: string | null | undefined): string | null {
    if (!lastEventId || !isPosition(lastEventId)) return null;
    const oldest = positionAt(Date.now() - REPLAY_WINDOW_MS);
    return timeOfPosition(lastEventId) < timeOfPosition(oldest) ? oldest : lastEventId;
  }

  private async replay(stream: LiveStream, after: string, upTo: string): Promise<void> {
    const { scope } = stream.spec;
    let cursor = after;
    for (;;) {
      const page =
        scope === 'all'
          ? await this.outbox.readRange(cursor, `${upTo}\uffff`, REPLAY_PAGE)
          : await this.outbox.readWhere(scope, cursor, upTo, REPLAY_PAGE);
      for (const record of page) await stream.replayed(record);
      if (page.length < REPLAY_PAGE || !stream.isOpen) return;
      cursor = page[page.length - 1].position;
    }
  }
}
