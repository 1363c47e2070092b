import type { Model, Types } from 'mongoose';
import type { LeanOrder, Order } from './schemas/order.schema.js';

/**
 * Records the read-model document (summary, snapshot) of every order that has none. Runs only
 * when the two collections' counts differ, reading the orders once (a cursor, `projection`
 * keeping what `record` needs); returns how many were recorded.
 */
export async function recordMissing(
  orders: Model<Order>,
  readModel: {
    estimatedDocumentCount(): PromiseLike<number>;
    exists(filter: { _id: Types.ObjectId }): PromiseLike<unknown>;
  },
  options: {
    projection?: Record<string, 1>;
    batchSize: number;
    record: (order: LeanOrder) => Promise<unknown>;
  },
): Promise<number> {
  const [orderCount, readModelCount] = await Promise.all([
    orders.estimatedDocumentCount(),
    readModel.estimatedDocumentCount(),
  ]);
  if (orderCount === readModelCount) return 0;
  let recorded = 0;
  const cursor = orders
    .find({}, options.projection ?? {})
    .lean<LeanOrder[]>()
    .cursor({ batchSize: options.batchSize });
  for await (const order of cursor) {
    if (!(await readModel.exists({ _id: order._id }))) {
      await options.record(order);
      recorded += 1;
    }
  }
  return recorded;
}
