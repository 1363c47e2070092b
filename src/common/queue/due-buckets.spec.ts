import { describe, expect, it } from 'vitest';
import { DUE_BUCKET_MS, DueBucketCursor, dueBucketOf } from './due-buckets.js';

const at = (bucket: number, offsetMs = 0) => new Date(bucket * DUE_BUCKET_MS + offsetMs);

describe('due bucket cursor', () => {
  it('sweeps once at start, then only when the sweep interval has passed', async () => {
    const cursor = new DueBucketCursor({ sweepEveryMs: 60_000, lateBuckets: 1 });
    let sweeps = 0;
    const sweep = () => {
      sweeps += 1;
      return Promise.resolve([100, 250]);
    };
    expect(await cursor.plan(at(1_000), sweep)).toEqual([100, 250, 999, 1_000]);
    await cursor.plan(at(1_000, 5_000), sweep);
    expect(sweeps).toBe(1);
    await cursor.plan(at(1_006), sweep);
    expect(sweeps).toBe(2);
  });

  it('reads from where it last read (less the late buckets) to now, never the empty gap', async () => {
    const cursor = new DueBucketCursor({ sweepEveryMs: 3_600_000, lateBuckets: 1 });
    await cursor.plan(at(1_000), () => Promise.resolve([]));
    cursor.read(1_000, false);
    expect(await cursor.plan(at(1_003), () => Promise.resolve([]))).toEqual([
      999, 1_000, 1_001, 1_002, 1_003,
    ]);
  });

  it('keeps reading an old bucket while it holds work, and forgets it once it is empty', async () => {
    const cursor = new DueBucketCursor({ sweepEveryMs: 3_600_000, lateBuckets: 0 });
    const none = () => Promise.resolve([]);
    await cursor.plan(at(500), () => Promise.resolve([10]));
    cursor.read(10, true);
    cursor.read(500, false);
    expect(await cursor.plan(at(500), none)).toEqual([10, 500]);
    cursor.read(10, false);
    expect(await cursor.plan(at(500), none)).toEqual([500]);
  });

  it('leaves buckets that are not due yet for later', async () => {
    const cursor = new DueBucketCursor({ sweepEveryMs: 3_600_000, lateBuckets: 0 });
    expect(await cursor.plan(at(10), () => Promise.resolve([12]))).toEqual([10]);
    cursor.read(10, false);
    expect(await cursor.plan(at(12), () => Promise.resolve([]))).toEqual([10, 11, 12]);
  });

  it('files times in 10-second buckets', () => {
    expect(dueBucketOf(new Date(1_796_164_209_999))).toBe(179_616_420);
    expect(dueBucketOf(new Date(1_796_164_210_000))).toBe(179_616_421);
  });
});
