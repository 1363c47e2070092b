import type { mongo } from 'mongoose';

/**
 * Pulls relayed entries off a document's `outbox`, each by its exact stored value (FerretDB's
 * `$pull` matches whole elements only: a `{ key }` condition or an operator matches nothing
 * there). The pull that empties the array as read also unsets `outboxPending`, in the same
 * update. The caller holds the document's write lock or lease; an entry another instance pushed
 * meanwhile is relayed by that instance right after its write.
 */
export async function pullOutboxEntries(
  collection: mongo.Collection,
  id: unknown,
  stored: Array<{ key: string }>,
  keys: string[],
): Promise<void> {
  const pulled = stored.filter((e) => keys.includes(e.key));
  const emptied = pulled.length === stored.length;
  for (const [i, entry] of pulled.entries()) {
    const last = emptied && i === pulled.length - 1;
    await collection.updateOne(
      { _id: id } as never,
      {
        $pull: { outbox: entry },
        ...(last ? { $unset: { outboxPending: '' } } : {}),
      } as never,
    );
  }
  // Nothing left to pull (an earlier clear took them): just drop the flag.
  if (stored.length === 0) {
    await collection.updateOne({ _id: id } as never, { $unset: { outboxPending: '' } });
  }
}
