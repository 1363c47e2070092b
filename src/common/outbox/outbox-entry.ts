import { randomBytes } from 'node:crypto';
import { Schema as MongooseSchema } from 'mongoose';

/**
 * The transactional outbox contract shared by the modules that make changes (Orders, Tracking)
 * and the one that relays them (Notifications). A module records a change by pushing an
 * `OutboxEntry` onto its own document in the SAME single-document update that makes the change,
 * so a change and its record exist together or not at all (no transactions needed). The relay
 * then copies entries into the `outbox` collection (deduplicated by `key`) and pulls them off
 * the document; a crash in between leaves the entry on the document, and the relay's repair
 * pass finishes the job.
 */
export const OUTBOX_EVENT_TYPES = [
  'order.created',
  'order.status_changed',
  'shipment.created',
  'shipment.status_changed',
  'shipment.scan_added',
] as const;
export type OutboxEventType = (typeof OUTBOX_EVENT_TYPES)[number];

export interface OutboxEntry {
  /** Unique per change; the idempotency key of everything sent because of it. */
  key: string;
  type: OutboxEventType;
  orderId: string;
  orderNumber: string;
  userId: string;
  /** When the change happened (UTC). */
  occurredAt: Date;
  /**
   * Position of the change among the changes of the same document (statusHistory length for
   * orders, syncSeq for trackings), so consumers can keep per-order order.
   */
  docSeq: number;
  /** What changed: `{from, to}` for order statuses, `{previousStatus, status, …}` for shipments. */
  data: Record<string, unknown>;
}

/** Embedded schema for the `outbox` array on the writing module's documents. */
export const OutboxEntrySchema = new MongooseSchema<OutboxEntry>(
  {
    key: { type: String, required: true },
    type: { type: String, enum: OUTBOX_EVENT_TYPES, required: true },
    orderId: { type: String, required: true },
    orderNumber: { type: String, required: true },
    userId: { type: String, required: true },
    occurredAt: { type: Date, required: true },
    docSeq: { type: Number, required: true },
    data: { type: MongooseSchema.Types.Mixed, default: {} },
  },
  { _id: false, minimize: false },
);

/** A fresh entry key: time-prefixed so keys sort roughly by creation, random to be unique. */
export function newOutboxKey(now = Date.now()): string {
  return `${now.toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}

/**
 * Emitted (in-process) by a writing module right after an update that pushed outbox entries, so
 * the relay can move them without waiting for its repair pass.
 *
 * A writer that holds the document's lease across the write may hand over `entries`: every
 * entry the document carries after the write, oldest first (it knows them: it read the document
 * under the lease and pushed the new ones). The relay then stores them without reading the
 * document, and its listener resolves to `true` once all are stored (`emitAsync`), after which
 * the writer clears them in its own next update. Without `entries` the relay reads the document.
 */
export class OutboxEntriesWrittenEvent {
  static readonly eventName = 'outbox.entries-written';
  constructor(
    readonly source: string,
    readonly documentId: string,
    readonly entries?: readonly OutboxEntry[],
  ) {}
}

/** A document with outbox entries not yet relayed. */
export interface PendingOutbox {
  documentId: string;
  entries: OutboxEntry[];
}

/**
 * Implemented by each module that writes outbox entries, over its own collection; the relay
 * only reads and clears entries through it.
 */
export interface OutboxSource {
  readonly name: string;
  /**
   * Whether the relay clears entries right after relaying a fresh change (true), or leaves that
   * to its repair pass (false: the source's documents are written by other processes at that
   * moment, and clearing then would contend with them).
   */
  readonly clearRightAway: boolean;
  /** The entries still on one document (none when relayed or absent). */
  pendingOf(documentId: string): Promise<PendingOutbox | null>;
  /** Documents that still carry entries, oldest first (the repair pass). */
  findPending(limit: number): Promise<PendingOutbox[]>;
  /** Removes the given entries (by key) from the document; others stay. */
  clear(documentId: string, keys: string[]): Promise<void>;
}
