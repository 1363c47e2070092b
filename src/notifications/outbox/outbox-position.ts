import { randomBytes } from 'node:crypto';

/**
 * Feed positions: `<ms since epoch, 13 digits>-<instance, 8 hex>-<counter, 6 digits>`, compared
 * as strings. Assigned when a record is stored in the `outbox` collection, so they are
 * monotonic per instance and time-ordered across instances. There is no shared counter
 * (FerretDB has no atomic one across processes): two instances' positions interleave by clock,
 * and a record becomes visible a little after its position was taken. Readers therefore only
 * read up to a *stability horizon* (now minus a couple of seconds) so a slow insert from another
 * instance still lands ahead of their cursor; gaps between positions are normal.
 */
const INSTANCE = randomBytes(4).toString('hex');
let lastMs = 0;
let counter = 0;

export function nextPosition(now = Date.now()): string {
  // Never go backwards within this process, even if the clock does.
  const ms = Math.max(now, lastMs);
  counter = ms === lastMs ? counter + 1 : 0;
  lastMs = ms;
  return `${String(ms).padStart(13, '0')}-${INSTANCE}-${String(counter).padStart(6, '0')}`;
}

/** The smallest position at time `ms`: every record stored at or after `ms` sorts after it. */
export function positionAt(ms: number): string {
  return `${String(Math.max(0, ms)).padStart(13, '0')}-`;
}

const POSITION = /^(\d{13})-[0-9a-f]{8}-\d{6}$/;

export function isPosition(value: string): boolean {
  return POSITION.test(value);
}

/** Milliseconds since the epoch encoded in a position (or a `positionAt` bound). */
export function timeOfPosition(position: string): number {
  return Number(position.slice(0, 13));
}

/** Records are filed in 10-second buckets, read by equality (see OutboxRecordDoc.bucket). */
export const BUCKET_MS = 10_000;

export function bucketOf(ms: number): number {
  return Math.floor(ms / BUCKET_MS);
}

/** Buckets per hour: the outbox bucket directory is read one hour at a time. */
export const BUCKETS_PER_HOUR = 3_600_000 / BUCKET_MS;

export function hourOfBucket(bucket: number): number {
  return Math.floor(bucket / BUCKETS_PER_HOUR);
}

/**
 * Records also carry their 1-second slot: the feed's frequent reads of the last seconds go by
 * slot, so a poll decodes the records of those seconds rather than of two whole 10-second
 * buckets (FerretDB decodes every record a filter returns, and at 200 records/s a bucket holds
 * 2,000).
 */
export const SLOT_MS = 1_000;

export function slotOf(ms: number): number {
  return Math.floor(ms / SLOT_MS);
}
