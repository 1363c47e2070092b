import type mongoose from 'mongoose';

/**
 * Moves the matching trackings' next poll to `when`, as the app stores it: `nextSyncAt` and
 * its minute slot `dueMinute` (the key a sync pass claims by) together.
 */
export async function scheduleTrackings(
  db: mongoose.mongo.Db,
  filter: mongoose.mongo.Filter<{ _id: string }>,
  when: Date,
): Promise<void> {
  await db.collection<{ _id: string }>('trackings').updateMany(filter, {
    $set: { nextSyncAt: when, dueMinute: Math.floor(when.getTime() / 60_000) },
  });
}

/**
 * A due time for "poll it on the next pass": a second ago, but never in an earlier minute than
 * now. A pass that has just finished (another instance's, or the cron's) may already have moved
 * the shared cursor past the previous minute's slot, and a tracking filed there would be
 * stranded (real schedules are never in the past, so this is a test-only concern).
 */
export function dueNow(): Date {
  const now = Date.now();
  return new Date(Math.max(now - 1000, Math.floor(now / 60_000) * 60_000));
}
