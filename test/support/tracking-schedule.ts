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
