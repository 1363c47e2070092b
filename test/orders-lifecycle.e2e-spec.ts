import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createAdmin, registerCustomer, TestUser } from './support/auth.js';
import { createTestApp, TestApp } from './support/test-app.js';
import { ADDRESS } from './support/orders.js';
import { ordersOutboxSettled } from './support/outbox.js';
import { onQuery } from './support/query-log.js';

const { ObjectId } = mongoose.mongo;

interface OrderView {
  _id: string;
  orderNumber: string;
  orderStatus: string;
  totalPaise: number;
  updatedAt: string;
  statusHistory: {
    from: string | null;
    to: string;
    source: string;
    /** Only in the admin view. */
    actor?: string | null;
    note: string | null;
  }[];
}

function itemsOf(body: unknown): OrderView[] {
  return (body as { data: OrderView[] }).data;
}

function idsOf(body: unknown): string[] {
  return itemsOf(body).map((o) => o._id);
}

describe('order lifecycle', () => {
  let t: TestApp;
  let admin: TestUser;

  async function createProduct(
    stock = 50,
    pricePaise = 100_000,
  ): Promise<{ id: string; sku: string }> {
    const res = await t
      .http()
      .post('/api/products')
      .set(bearer(admin))
      .send({
        sku: `SKU-${randomBytes(4).toString('hex').toUpperCase()}`,
        name: 'Silver Payal',
        pricePaise,
        stock,
      });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data as { id: string; sku: string };
  }

  async function stockOf(id: string): Promise<number> {
    const doc = await t.db.collection('products').findOne({ _id: new ObjectId(id) });
    return doc?.stock as number;
  }

  async function placeOrder(user: TestUser, productId: string, quantity = 1): Promise<OrderView> {
    const res = await t
      .http()
      .post('/api/orders')
      .set(bearer(user))
      .send({ items: [{ product: productId, quantity }], shippingAddress: ADDRESS });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data as OrderView;
  }

  function setStatus(orderRef: string, status: string, note?: string) {
    return t
      .http()
      .patch(`/api/orders/admin/${orderRef}/status`)
      .set(bearer(admin))
      .send({ status, note });
  }

  function cancel(user: TestUser, orderRef: string) {
    return t.http().post(`/api/orders/${orderRef}/cancel`).set(bearer(user));
  }

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_RATE_LIMIT: '1000' } });
    admin = await createAdmin(t);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('reading', () => {
    let asha: TestUser;
    let ravi: TestUser;
    let ashaOrders: OrderView[];
    let product: { id: string };

    beforeAll(async () => {
      asha = await registerCustomer(t);
      ravi = await registerCustomer(t, { firstName: 'Ravi' });
      product = await createProduct();
      ashaOrders = [];
      for (let i = 0; i < 3; i++) ashaOrders.push(await placeOrder(asha, product.id, i + 1));
      await placeOrder(ravi, product.id);
    });

    it("lists only the caller's orders, newest first, 20 per page by default", async () => {
      const res = await t.http().get('/api/orders/my').set(bearer(asha)).expect(200);
      expect(res.body.meta).toEqual({ page: 1, limit: 20, total: 3, pages: 1 });
      expect(idsOf(res.body)).toEqual(ashaOrders.map((o) => o._id).reverse());
      expect(itemsOf(res.body)[0]).toHaveProperty('trackingInfo.hasTracking', false);
    });

    it('paginates', async () => {
      const res = await t.http().get('/api/orders/my?limit=2&page=2').set(bearer(asha)).expect(200);
      expect(res.body.meta).toEqual({ page: 2, limit: 2, total: 3, pages: 2 });
      expect(idsOf(res.body)).toEqual([ashaOrders[0]._id]);
    });

    it('refuses a page size over 100 or a page below 1', async () => {
      await t.http().get('/api/orders/my?limit=101').set(bearer(asha)).expect(400);
      await t.http().get('/api/orders/my?page=0').set(bearer(asha)).expect(400);
    });

    it('filters by one status or several', async () => {
      const customer = await registerCustomer(t);
      const a = await placeOrder(customer, product.id);
      const b = await placeOrder(customer, product.id);
      await cancel(customer, a._id).expect(200);
      const cancelled = await t
        .http()
        .get('/api/orders/my?status=cancelled')
        .set(bearer(customer))
        .expect(200);
      expect(idsOf(cancelled.body)).toEqual([a._id]);
      const open = await t
        .http()
        .get('/api/orders/my?status=pending,processing')
        .set(bearer(customer))
        .expect(200);
      expect(idsOf(open.body)).toEqual([b._id]);
      const bad = await t
        .http()
        .get('/api/orders/my?status=lost')
        .set(bearer(customer))
        .expect(400);
      expect(bad.body.error.details[0].field).toBe('status');
    });

    it('returns one order by id or by order number (any case)', async () => {
      const order = ashaOrders[1];
      const byId = await t.http().get(`/api/orders/${order._id}`).set(bearer(asha)).expect(200);
      const byNumber = await t
        .http()
        .get(`/api/orders/${order.orderNumber.toLowerCase()}`)
        .set(bearer(asha))
        .expect(200);
      expect(byId.body.data._id).toBe(order._id);
      expect(byNumber.body.data).toEqual(byId.body.data);
    });

    it("answers 404 to a customer asking for someone else's order, by id or number", async () => {
      const order = ashaOrders[0];
      const res = await t.http().get(`/api/orders/${order._id}`).set(bearer(ravi)).expect(404);
      expect(res.body.error.code).toBe('ORDER_NOT_FOUND');
      await t.http().get(`/api/orders/${order.orderNumber}`).set(bearer(ravi)).expect(404);
    });

    it('lets an admin read any order, with who changed its status only in the admin view', async () => {
      const res = await t
        .http()
        .get(`/api/orders/${ashaOrders[0]._id}`)
        .set(bearer(admin))
        .expect(200);
      expect(res.body.data.user).toBe(asha.user.id);
      expect(res.body.data.statusHistory[0]).not.toHaveProperty('actor');
      const adminView = await t
        .http()
        .get(`/api/orders/admin/${ashaOrders[0]._id}`)
        .set(bearer(admin))
        .expect(200);
      expect(adminView.body.data.statusHistory[0]).toMatchObject({ actor: asha.user.id });
      await t.http().get(`/api/orders/admin/${ashaOrders[0]._id}`).set(bearer(asha)).expect(403);
    });

    it('answers 404 for an unknown order and 401 without a token', async () => {
      await t
        .http()
        .get(`/api/orders/${new ObjectId().toHexString()}`)
        .set(bearer(asha))
        .expect(404);
      await t.http().get('/api/orders/DKT-000000-AAAAAA').set(bearer(asha)).expect(404);
      await t.http().get('/api/orders/my').expect(401);
    });

    describe('database queries per request', () => {
      const queries: Array<{ collection: string; method: string; filter: unknown }> = [];
      let stop: () => void;
      beforeAll(() => {
        stop = onQuery(({ collection, method, args }) => {
          queries.push({ collection, method, filter: args[0] });
        });
      });
      afterEach(() => (queries.length = 0));
      afterAll(() => stop());

      async function queriesFor(path: string, user: TestUser) {
        await ordersOutboxSettled(t);
        queries.length = 0;
        await t.http().get(path).set(bearer(user)).expect(200);
        const of = (collection: string) => queries.filter((q) => q.collection === collection);
        return {
          summaries: of('order_summaries'),
          orders: of('orders'),
          snapshots: of('order_snapshots'),
        };
      }

      it("picks a customer's page with one find on the summaries, then reads each of its orders once by _id from the snapshots", async () => {
        const heavy = await registerCustomer(t);
        const p = await createProduct(100);
        for (let i = 0; i < 30; i++) await placeOrder(heavy, p.id);
        await ordersOutboxSettled(t);
        for (const limit of [1, 30]) {
          const { summaries, orders, snapshots } = await queriesFor(
            `/api/orders/my?limit=${limit}`,
            heavy,
          );
          expect(summaries.map((q) => q.method)).toEqual(['find']);
          expect(orders).toHaveLength(0);
          // Snapshots this instance just wrote are used from memory; any read is by `_id`.
          expect(snapshots.length).toBeLessThanOrEqual(limit);
          for (const q of snapshots) expect(Object.keys(q.filter as object)).toEqual(['_id']);
        }
        // Across customers: a count, and the page read back one day at a time.
        const admin100 = await queriesFor('/api/orders/admin?limit=100', admin);
        const methods = admin100.summaries.map((q) => q.method);
        expect(methods.filter((m) => m === 'countDocuments')).toHaveLength(1);
        expect(methods.filter((m) => m !== 'countDocuments').every((m) => m === 'find')).toBe(true);
        expect(admin100.snapshots.every((q) => q.method === 'findOne')).toBe(true);
      });
    });
  });

  describe('customer cancel', () => {
    let customer: TestUser;

    beforeAll(async () => {
      customer = await registerCustomer(t);
    });

    it('cancels a pending order, puts the stock back and records who did it', async () => {
      const product = await createProduct(10);
      const order = await placeOrder(customer, product.id, 3);
      expect(await stockOf(product.id)).toBe(7);
      const res = await cancel(customer, order._id).expect(200);
      expect(res.body.data.orderStatus).toBe('cancelled');
      expect(res.body.data.statusHistory).toEqual([
        expect.objectContaining({ from: null, to: 'pending' }),
        expect.objectContaining({ from: 'pending', to: 'cancelled', source: 'customer' }),
      ]);
      // Customers never see actor ids; the stored history keeps who did it.
      for (const change of (res.body.data as OrderView).statusHistory) {
        expect(change).not.toHaveProperty('actor');
      }
      expect(await stockOf(product.id)).toBe(10);
      const stored = await t.db.collection('orders').findOne({ _id: new ObjectId(order._id) });
      expect(stored?.stockReleasedAt).toBeInstanceOf(Date);
    });

    it('restores stock once when cancel is called twice; the second call changes nothing', async () => {
      const product = await createProduct(10);
      const order = await placeOrder(customer, product.id, 2);
      const first = await cancel(customer, order.orderNumber).expect(200);
      const second = await cancel(customer, order.orderNumber).expect(200);
      expect(second.body.data).toEqual(first.body.data);
      expect(second.body.data.statusHistory).toHaveLength(2);
      expect(await stockOf(product.id)).toBe(10);
    });

    it('restores stock once when 6 cancels race', async () => {
      const product = await createProduct(10);
      const order = await placeOrder(customer, product.id, 4);
      const results = await Promise.all(
        Array.from({ length: 6 }, () => cancel(customer, order._id)),
      );
      expect(results.map((r) => r.status)).toEqual(Array(6).fill(200));
      expect(await stockOf(product.id)).toBe(10);
      const stored = await t.db.collection('orders').findOne({ _id: new ObjectId(order._id) });
      expect(stored?.statusHistory).toHaveLength(2);
    });

    it('cancels a processing order', async () => {
      const product = await createProduct(10);
      const order = await placeOrder(customer, product.id);
      await setStatus(order._id, 'processing').expect(200);
      await cancel(customer, order._id).expect(200);
      expect(await stockOf(product.id)).toBe(10);
    });

    it('refuses to cancel a shipped order with 409 naming both statuses, and keeps the stock', async () => {
      const product = await createProduct(10);
      const order = await placeOrder(customer, product.id);
      await setStatus(order._id, 'shipped').expect(200);
      const res = await cancel(customer, order._id).expect(409);
      expect(res.body.error).toMatchObject({
        code: 'ILLEGAL_STATUS_TRANSITION',
        message: `Order ${order.orderNumber} is shipped and cannot move to cancelled`,
        details: { current: 'shipped', requested: 'cancelled' },
      });
      expect(await stockOf(product.id)).toBe(9);
    });

    it("cannot cancel another customer's order: 404, order and stock unchanged", async () => {
      const product = await createProduct(10);
      const order = await placeOrder(customer, product.id);
      const intruder = await registerCustomer(t);
      await cancel(intruder, order._id).expect(404);
      await cancel(intruder, order.orderNumber).expect(404);
      const stored = await t.db.collection('orders').findOne({ _id: new ObjectId(order._id) });
      expect(stored?.status).toBe('pending');
      expect(await stockOf(product.id)).toBe(9);
    });
  });

  describe('admin status changes', () => {
    let customer: TestUser;
    let product: { id: string };

    beforeAll(async () => {
      customer = await registerCustomer(t);
      product = await createProduct(100);
    });

    it('walks an order pending → processing → shipped → delivered, recording each move', async () => {
      const order = await placeOrder(customer, product.id);
      await setStatus(order._id, 'processing', 'Packed at the Jaipur workshop').expect(200);
      await setStatus(order.orderNumber, 'shipped').expect(200);
      const res = await setStatus(order._id, 'delivered').expect(200);
      expect(res.body.data.orderStatus).toBe('delivered');
      const history = (res.body.data as OrderView).statusHistory;
      expect(history.map((h) => h.to)).toEqual(['pending', 'processing', 'shipped', 'delivered']);
      expect(history[1]).toMatchObject({
        from: 'pending',
        source: 'admin',
        actor: admin.user.id,
        note: 'Packed at the Jaipur workshop',
      });
    });

    it.each([
      ['delivered', 'cancelled', ['processing', 'shipped', 'delivered']],
      ['processing', 'pending', ['processing']],
      ['pending', 'delivered', []],
      ['cancelled', 'processing', ['cancelled']],
    ])('refuses %s → %s with 409 naming both', async (current, requested, path) => {
      const order = await placeOrder(customer, product.id);
      for (const step of path) await setStatus(order._id, step).expect(200);
      const res = await setStatus(order._id, requested).expect(409);
      expect(res.body.error.details).toEqual({ current, requested });
      expect(res.body.error.message).toContain(`is ${current} and cannot move to ${requested}`);
    });

    it('treats a move to the current status as a no-op', async () => {
      const order = await placeOrder(customer, product.id);
      const moved = await setStatus(order._id, 'processing').expect(200);
      const again = await setStatus(order._id, 'processing').expect(200);
      expect(again.body.data).toEqual(moved.body.data);
      expect(again.body.data.statusHistory).toHaveLength(2);
    });

    it('puts stock back when an admin cancels', async () => {
      const p = await createProduct(5);
      const order = await placeOrder(customer, p.id, 2);
      await setStatus(order._id, 'cancelled', 'Customer called to cancel').expect(200);
      expect(await stockOf(p.id)).toBe(5);
    });

    it('lets only one of two racing moves win; the loser gets 409', async () => {
      const p = await createProduct(5);
      const order = await placeOrder(customer, p.id, 1);
      await setStatus(order._id, 'processing').expect(200);
      const [ship, cancelRes] = await Promise.all([
        setStatus(order._id, 'shipped'),
        setStatus(order._id, 'cancelled'),
      ]);
      expect([ship.status, cancelRes.status].sort()).toEqual([200, 409]);
      const stored = await t.db.collection('orders').findOne({ _id: new ObjectId(order._id) });
      expect(stored?.statusHistory).toHaveLength(3);
      expect(await stockOf(p.id)).toBe(stored?.status === 'cancelled' ? 5 : 4);
    });

    it('validates the request: unknown status 400, unknown order 404, customers 403', async () => {
      const order = await placeOrder(customer, product.id);
      const bad = await setStatus(order._id, 'lost').expect(400);
      expect(bad.body.error.details[0].field).toBe('status');
      await setStatus(new ObjectId().toHexString(), 'processing').expect(404);
      await t
        .http()
        .patch(`/api/orders/admin/${order._id}/status`)
        .set(bearer(customer))
        .send({ status: 'processing' })
        .expect(403);
    });
  });

  describe('admin list', () => {
    let a: TestUser;
    let b: TestUser;
    let aOrders: OrderView[];

    beforeAll(async () => {
      a = await registerCustomer(t);
      b = await registerCustomer(t);
      const cheap = await createProduct(100, 10_000);
      aOrders = [];
      for (let q = 1; q <= 4; q++) aOrders.push(await placeOrder(a, cheap.id, q));
      await placeOrder(b, cheap.id);
      await setStatus(aOrders[0]._id, 'processing').expect(200);
      // Spread a's orders over known days: 1 Oct, 2 Oct, 3 Oct, 4 Oct 2026 (noon UTC).
      await ordersOutboxSettled(t);
      // Lists sort and filter on the order summaries, so both get the new time.
      for (const [i, o] of aOrders.entries()) {
        for (const collection of ['orders', 'order_summaries']) {
          await t.db
            .collection(collection)
            .updateOne(
              { _id: new ObjectId(o._id) },
              { $set: { createdAt: new Date(Date.UTC(2026, 9, i + 1, 12)) } },
            );
        }
      }
    });

    it('is served at /api/orders/admin (not read as an order id) and lists all users', async () => {
      const res = await t.http().get('/api/orders/admin?limit=100').set(bearer(admin)).expect(200);
      const users = new Set(itemsOf(res.body).map((o) => (o as unknown as { user: string }).user));
      expect(users.has(a.user.id) && users.has(b.user.id)).toBe(true);
    });

    it('filters by user, newest first by default', async () => {
      const res = await t
        .http()
        .get(`/api/orders/admin?user=${a.user.id}`)
        .set(bearer(admin))
        .expect(200);
      expect(res.body.meta.total).toBe(4);
      expect(idsOf(res.body)).toEqual(aOrders.map((o) => o._id).reverse());
    });

    it('filters by status', async () => {
      const res = await t
        .http()
        .get(`/api/orders/admin?user=${a.user.id}&status=processing`)
        .set(bearer(admin))
        .expect(200);
      expect(idsOf(res.body)).toEqual([aOrders[0]._id]);
    });

    it('finds one order by order number', async () => {
      const res = await t
        .http()
        .get(`/api/orders/admin?orderNumber=${aOrders[2].orderNumber.toLowerCase()}`)
        .set(bearer(admin))
        .expect(200);
      expect(idsOf(res.body)).toEqual([aOrders[2]._id]);
    });

    it('filters by date range; a bare "to" date includes that whole day', async () => {
      const res = await t
        .http()
        .get(`/api/orders/admin?user=${a.user.id}&from=2026-10-02&to=2026-10-03`)
        .set(bearer(admin))
        .expect(200);
      expect(idsOf(res.body)).toEqual([aOrders[2]._id, aOrders[1]._id]);
      const exact = await t
        .http()
        .get(
          `/api/orders/admin?user=${a.user.id}&from=2026-10-02T12:00:00Z&to=2026-10-03T11:59:59Z`,
        )
        .set(bearer(admin))
        .expect(200);
      expect(idsOf(exact.body)).toEqual([aOrders[1]._id]);
    });

    it('sorts by total, both ways, and by oldest first', async () => {
      const asc = await t
        .http()
        .get(`/api/orders/admin?user=${a.user.id}&sort=totalPaise`)
        .set(bearer(admin))
        .expect(200);
      expect(itemsOf(asc.body).map((o) => o.totalPaise)).toEqual([10_000, 20_000, 30_000, 40_000]);
      const desc = await t
        .http()
        .get(`/api/orders/admin?user=${a.user.id}&sort=-totalPaise`)
        .set(bearer(admin))
        .expect(200);
      expect(itemsOf(desc.body).map((o) => o.totalPaise)).toEqual([40_000, 30_000, 20_000, 10_000]);
      const oldest = await t
        .http()
        .get(`/api/orders/admin?user=${a.user.id}&sort=createdAt&limit=1`)
        .set(bearer(admin))
        .expect(200);
      expect(idsOf(oldest.body)).toEqual([aOrders[0]._id]);
    });

    it('names bad filters in a 400', async () => {
      const res = await t
        .http()
        .get('/api/orders/admin?user=nobody&from=yesterday&sort=price')
        .set(bearer(admin))
        .expect(400);
      expect((res.body.error.details as { field: string }[]).map((d) => d.field).sort()).toEqual([
        'from',
        'sort',
        'user',
      ]);
      const reversed = await t
        .http()
        .get('/api/orders/admin?from=2026-10-05&to=2026-10-01')
        .set(bearer(admin))
        .expect(400);
      expect(reversed.body.error.details[0].field).toBe('from');
    });

    it('is for admins only', async () => {
      await t.http().get('/api/orders/admin').set(bearer(a)).expect(403);
      await t.http().get('/api/orders/admin').expect(401);
    });
  });
});
