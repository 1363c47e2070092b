/**
 * Runs async work one at a time per key (e.g. per document id), in call order.
 *
 * Why it exists: FerretDB v1 (dev and tests) executes every update as read → modify in Go →
 * write back the whole document, with no isolation between the read and the write. Two
 * concurrent `updateOne({ _id, stock: { $gte: 1 } }, { $inc: { stock: -1 } })` can both pass the
 * filter and both write, and concurrent updates of different fields of one document overwrite
 * each other. MongoDB applies each single-document update atomically, so there the lock is
 * redundant; on FerretDB it makes every write to a document through this service sequential,
 * which is enough for the single app process that FerretDB setups run. Generic: a candidate for
 * `src/common/`.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with work running or queued (for tests). */
  get size(): number {
    return this.tails.size;
  }
}
