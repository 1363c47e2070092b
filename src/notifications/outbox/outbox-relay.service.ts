import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { OnEvent } from '@nestjs/event-emitter';
import { errorMessage } from '../../common/errors/error-message.js';
import {
  type OutboxEntry,
  OutboxEntriesWrittenEvent,
  type OutboxSource,
} from '../../common/outbox/outbox-entry.js';
import type { AllConfig } from '../../config/index.js';
import { KeyedMutex } from '../../products/keyed-mutex.js';
import { OutboxService } from './outbox.service.js';

export const OUTBOX_SOURCES = Symbol('OUTBOX_SOURCES');

/** Where a relay can be made to stop, to test that a crash there loses nothing. */
export type RelayInterruption = 'none' | 'before-append' | 'before-clear';

export class SimulatedCrashError extends Error {
  constructor(point: RelayInterruption) {
    super(`Simulated crash at ${point}`);
    this.name = 'SimulatedCrashError';
  }
}

/**
 * Moves outbox entries from the documents that carry them (orders, trackings) into the `outbox`
 * collection, in two idempotent steps: store (deduplicated by entry key), then pull from the
 * document. Runs right after each change (on OutboxEntriesWrittenEvent) and as a repair pass at
 * boot and every OUTBOX_REPAIR_SECONDS, which completes what a crash interrupted.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly byDocument = new KeyedMutex();
  private readonly sources: Map<string, OutboxSource>;
  private readonly repairMs: number;
  private readonly retentionMs: number;
  private lastPruneAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private inFlight = new Set<Promise<unknown>>();
  /** Test hook: simulate the process dying at this point of every relay. */
  interruption: RelayInterruption = 'none';

  constructor(
    private readonly outbox: OutboxService,
    @Inject(OUTBOX_SOURCES) sources: OutboxSource[],
    config: ConfigService<AllConfig, true>,
  ) {
    this.sources = new Map(sources.map((s) => [s.name, s]));
    const settings = config.getOrThrow('notifications', { infer: true }).outbox;
    this.repairMs = settings.repairSeconds * 1000;
    this.retentionMs = settings.retentionHours * 3_600_000;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.repair().catch((error: unknown) =>
      this.logger.error(`Outbox repair failed: ${errorMessage(error)}`),
    );
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Relays a change right after its write. Resolves to whether the event's carried entries (see
   * OutboxEntriesWrittenEvent.entries) are now all stored, so their writer may clear them; false
   * for an event without entries, or when the relay failed (the repair pass finishes it).
   */
  @OnEvent(OutboxEntriesWrittenEvent.eventName)
  onEntriesWritten(event: OutboxEntriesWrittenEvent): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    const { entries } = event;
    const relaying = entries
      ? this.relayCarried(event.source, event.documentId, entries)
      : this.relayDocument(event.source, event.documentId, { fresh: true }).then(() => false);
    const work = relaying.catch((error: unknown) => {
      // Left on the document: the repair pass finishes it.
      this.logger.warn(
        `Outbox relay of ${event.source}/${event.documentId} deferred to repair: ${errorMessage(error)}`,
      );
      return false;
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return work;
  }

  /** Stores entries its writer handed over (no read of the document); the writer clears them. */
  private relayCarried(
    sourceName: string,
    documentId: string,
    entries: readonly OutboxEntry[],
  ): Promise<boolean> {
    return this.byDocument.run(`${sourceName}:${documentId}`, async () => {
      if (this.interruption === 'before-append') throw new SimulatedCrashError(this.interruption);
      await this.outbox.append(entries);
      if (this.interruption === 'before-clear') throw new SimulatedCrashError(this.interruption);
      return true;
    });
  }

  /**
   * Relays one document's entries; returns how many records were newly stored. For a `fresh`
   * change of a source that is not cleared right away, the entries stay for the repair pass.
   */
  async relayDocument(
    sourceName: string,
    documentId: string,
    options: { fresh?: boolean } = {},
  ): Promise<number> {
    const source = this.sources.get(sourceName);
    if (!source) throw new Error(`Unknown outbox source ${sourceName}`);
    return this.byDocument.run(`${sourceName}:${documentId}`, async () => {
      const pending = await source.pendingOf(documentId);
      if (!pending || pending.entries.length === 0) return 0;
      if (this.interruption === 'before-append') throw new SimulatedCrashError(this.interruption);
      const stored = await this.outbox.append(pending.entries);
      if (this.interruption === 'before-clear') throw new SimulatedCrashError(this.interruption);
      if (options.fresh && !source.clearRightAway) return stored;
      await source.clear(
        documentId,
        pending.entries.map((e) => e.key),
      );
      return stored;
    });
  }

  /** Relays every document still carrying entries; returns how many records it stored. */
  async repair(): Promise<number> {
    let stored = 0;
    for (const source of this.sources.values()) {
      for (;;) {
        const pending = await source.findPending(100);
        if (pending.length === 0) break;
        for (const doc of pending) stored += await this.relayDocument(source.name, doc.documentId);
        if (pending.length < 100) break;
      }
    }
    if (stored > 0) this.logger.warn(`Outbox repair relayed ${stored} record(s) left by a crash`);
    return stored;
  }

  /** Deletes records past retention, at most once an hour (no TTL indexes on FerretDB). */
  private async pruneHourly(): Promise<void> {
    if (Date.now() - this.lastPruneAt < 3_600_000) return;
    this.lastPruneAt = Date.now();
    const pruned = await this.outbox.prune(new Date(Date.now() - this.retentionMs));
    if (pruned > 0) this.logger.log(`Outbox: pruned ${pruned} record(s) past retention`);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const work = this.repair()
        .then(() => this.pruneHourly())
        .catch((error: unknown) =>
          this.logger.error(`Outbox repair failed: ${errorMessage(error)}`),
        )
        .finally(() => this.schedule());
      this.inFlight.add(work);
      void work.finally(() => this.inFlight.delete(work));
    }, this.repairMs);
    this.timer.unref();
  }
}
