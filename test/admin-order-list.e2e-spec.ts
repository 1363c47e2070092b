import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderSummaries } from '../src/orders/order-summaries.service.js';
import { dayOf } from '../src/orders/summary-day-walk.js';
import { bearer, createAdmin, registerCustomer, TestUser } from './support/auth.js';
import { ordersOutboxSettled } from './support/outbox.js';
import { onQuery } from './support/query-log.js';
import { createProduct, placeOrder } from './support/store.js';
import { createTestApp, TestApp } from './support/test-app.js';

const { ObjectId } = mongoose.mongo;
const DAY_MS = 86_400_000;

describe("the admin's newest-first order list (read one day at a time)", () => {
  let t: TestApp;
  let admin: TestUser;
  /** Order ids, newest first, placed 0, 1, 3, 10 and 40 days ago. */
  const ids: string[] = [];
  const DAYS_AGO = [0, 1, 3, 10, 40];

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
    const customer = await registerCustomer(t);
    const product = await createProduct(t, admin);
    for (let i = 0; i < DAYS_AGO.length; i++) ids.push((await placeOrder(t, customer, product)).id);
    await ordersOutboxSettled(t);
    // Back-date the list's read model as if the orders had come in over 40 days.
    const now = Date.now();
    for (const [i, id] of ids.entries()) {
      const createdAt = new Date(now - DAYS_AGO[i] * DAY_MS - i * 1000);
      await t.db
        .collection('order_summaries')
        .updateOne(
          { _id: new ObjectId(id) },
          { $set: { createdAt, createdDay: dayOf(createdAt) } },
        );
    }
  });
  afterAll(async () => {
    await t.close();
  });

  async function list(query: string): Promise<{ ids: string[]; total: number }> {
    const res = await t.http().get(`/api/orders/admin?${query}`).set(bearer(admin)).expect(200);
    return {
      ids: (res.body.data as Array<{ _id: string }>).map((o) => o._id),
      total: res.body.meta.total as number,
    };
  }

  it('pages across days in createdAt order, with the right total', async () => {
    const pages = [];
    for (const page of [1, 2, 3]) pages.push(await list(`limit=2&page=${page}`));
    expect(pages.flatMap((p) => p.ids)).toEqual(ids);
    expect(pages.map((p) => p.total)).toEqual([5, 5, 5]);
  });

  it('honours a from/to range and a status filter while walking the days', async () => {
    const from = new Date(Date.now() - 12 * DAY_MS).toISOString();
    expect(await list(`from=${from}`)).toEqual({ ids: ids.slice(0, 4), total: 4 });
    const to = new Date(Date.now() - 2 * DAY_MS).toISOString();
    expect(await list(`to=${to}`)).toEqual({ ids: ids.slice(2), total: 3 });
    expect(await list('status=pending&limit=3')).toEqual({ ids: ids.slice(0, 3), total: 5 });
    expect(await list('status=delivered')).toEqual({ ids: [], total: 0 });
  });

  it('reads each day by a createdDay equality, never the whole collection sorted', async () => {
    const seen: Array<{ method: string; filter: Record<string, unknown> }> = [];
    const stop = onQuery((q) => {
      if (q.collection === 'order_summaries') {
        seen.push({ method: q.method, filter: (q.args[0] ?? {}) as Record<string, unknown> });
      }
    });
    await list('limit=2');
    stop();
    const finds = seen.filter((q) => q.method === 'find');
    expect(finds.length).toBeGreaterThan(0);
    for (const q of finds) expect(typeof q.filter.createdDay).toBe('number');
    // The count: at most one (it may be reused from the list before; see the next test).
    expect(seen.filter((q) => q.method === 'countDocuments').length).toBeLessThanOrEqual(1);
  });

  it("counts across customers once for concurrent lists, and again after this instance's next order write", async () => {
    const counts = () => {
      let n = 0;
      const stop = onQuery((q) => {
        if (q.collection === 'order_summaries' && q.method === 'countDocuments') n += 1;
      });
      return () => (stop(), n);
    };
    const first = counts();
    await Promise.all([list('limit=1'), list('limit=1'), list('limit=1')]);
    await list('limit=1');
    expect(first()).toBeLessThanOrEqual(1);

    const customer = await registerCustomer(t);
    await placeOrder(t, customer, await createProduct(t, admin));
    const second = counts();
    const after = await list('limit=1');
    expect(second()).toBe(1);
    expect(after.total).toBe(DAYS_AGO.length + 1);
    ids.unshift(after.ids[0]);
  });

  it('gives summaries stored before rev and createdDay existed both, once', async () => {
    await t.db
      .collection('order_summaries')
      .updateOne({ _id: new ObjectId(ids[3]) }, { $unset: { createdDay: 1, rev: 1 } });
    const summaries = t.app.get(OrderSummaries);
    expect(await summaries.backfillOlderSummaries()).toBe(1);
    expect(await summaries.backfillOlderSummaries()).toBe(0);
    expect((await list('limit=10')).ids).toEqual(ids);
  });
});
