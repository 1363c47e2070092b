/**
 * Queued work (emails, webhook deliveries) is filed by when it is next due, in 10-second
 * buckets (`dueBucket`), so a sender reads what is due with equality filters
 * (`{status: 'pending', dueBucket: b}`), which FerretDB pushes down to its index. A filter like
 * `{status: 'pending', nextAttemptAt: {$lte: now}}` makes FerretDB decode every pending item on
 * every batch: with a backlog of thousands that is quadratic.
 */
export const DUE_BUCKET_MS = 10_000;

export function dueBucketOf(at: Date): number {
  return Math.floor(at.getTime() / DUE_BUCKET_MS);
}

export interface DueBucketOptions {
  /** How often the whole queue's buckets are listed again (a full read of the pending items). */
  sweepEveryMs: number;
  /**
   * Buckets before the last one read that are read again: work that became visible late (a slow
   * insert, another instance's clock a little behind) still lands in them.
   */
  lateBuckets: number;
}

/**
 * Which due buckets a sender reads, oldest first: the buckets since it last read (minus a few,
 * for late work), plus older buckets known to hold pending work. Those are learnt from reading
 * (work left in a bucket: a full batch, another instance's lease) and from a sweep, which
 * lists every pending bucket at start and then rarely (work moved into the past by another
 * instance, or inserted much later than its time). So reads follow the clock and never walk a
 * long empty stretch. One cursor per sender and queue (per instance: leases settle who sends).
 */
export class DueBucketCursor {
  private readonly known = new Set<number>();
  private readTo: number | null = null;
  private sweptAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: DueBucketOptions) {}

  /** The buckets to read now, oldest first. `sweep` lists the buckets holding pending work. */
  async plan(now: Date, sweep: () => Promise<number[]>): Promise<number[]> {
    const nowBucket = dueBucketOf(now);
    if (now.getTime() - this.sweptAt >= this.options.sweepEveryMs) {
      this.sweptAt = now.getTime();
      for (const bucket of await sweep()) this.known.add(bucket);
    }
    const buckets = new Set([...this.known].filter((b) => b <= nowBucket));
    const from = (this.readTo ?? nowBucket) - this.options.lateBuckets;
    for (let b = from; b <= nowBucket; b++) buckets.add(b);
    return [...buckets].sort((a, b) => a - b);
  }

  /** After reading `bucket`: whether it still held pending work (read it again next time). */
  read(bucket: number, pending: boolean): void {
    if (pending) this.known.add(bucket);
    else this.known.delete(bucket);
    if (this.readTo === null || bucket > this.readTo) this.readTo = bucket;
  }
}
