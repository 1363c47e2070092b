import { randomBytes, randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createAdmin, registerCustomer, TestUser } from './support/auth.js';
import { createTestApp, TestApp } from './support/test-app.js';
import { ADDRESS } from './support/orders.js';

const { ObjectId } = mongoose.mongo;

const SHIPPING_FEE = 4_900;
const MAX_PER_LINE = 10;

interface Product {
  id: string;
  sku: string;
  name: string;
  pricePaise: number;
}

function fieldsOf(body: unknown): string[] {
  return (body as { error: { details: { field: string }[] } }).error.details
    .map((d) => d.field)
    .sort();
}

describe('placing orders', () => {
  let t: TestApp;
  let admin: TestUser;
  let customer: TestUser;

  async function createProduct(overrides: Record<string, unknown> = {}): Promise<Product> {
    const res = await t
      .http()
      .post('/api/products')
      .set(bearer(admin))
      .send({
        sku: `SKU-${randomBytes(4).toString('hex').toUpperCase()}`,
        name: 'Temple Jhumka Earrings',
        pricePaise: 689_900,
        stock: 5,
        ...overrides,
      });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data as Product;
  }

  async function stockOf(id: string): Promise<number> {
    const doc = await t.db.collection('products').findOne({ _id: new ObjectId(id) });
    return doc?.stock as number;
  }

  function ordersOf(user: TestUser) {
    return t.db.collection('orders').countDocuments({ user: new ObjectId(user.user.id) });
  }

  function place(user: TestUser, body: Record<string, unknown>, key?: string) {
    const req = t.http().post('/api/orders').set(bearer(user));
    if (key !== undefined) void req.set('Idempotency-Key', key);
    return req.send(body);
  }

  function order(items: { product: string; quantity: number }[]) {
    return { items, shippingAddress: ADDRESS };
  }

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        AUTH_RATE_LIMIT: '1000',
        ORDER_SHIPPING_FEE_PAISE: String(SHIPPING_FEE),
        ORDER_MAX_QUANTITY_PER_LINE: String(MAX_PER_LINE),
      },
    });
    admin = await createAdmin(t);
    customer = await registerCustomer(t);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('pricing and storage', () => {
    it('prices the order on the server, snapshots each line and stores it pending for the user', async () => {
      const ring = await createProduct({ name: 'Solitaire Ring', pricePaise: 4_850_000, stock: 3 });
      const chain = await createProduct({ name: 'Rope Chain', pricePaise: 1_234_567, stock: 9 });
      const res = await place(
        customer,
        order([
          { product: ring.id, quantity: 1 },
          { product: chain.id, quantity: 2 },
        ]),
      ).expect(201);
      const data = res.body.data;
      expect(data.orderNumber).toMatch(/^DKT-\d{6}-[0-9A-Z]{6}$/);
      expect(data).toMatchObject({
        user: customer.user.id,
        customerEmail: customer.user.email,
        orderStatus: 'pending',
        currency: 'INR',
        subtotalPaise: 4_850_000 + 2 * 1_234_567,
        shippingFeePaise: SHIPPING_FEE,
        totalPaise: 4_850_000 + 2 * 1_234_567 + SHIPPING_FEE,
        shippingAddress: ADDRESS,
        trackingNumber: null,
        courierService: null,
      });
      expect(data.items).toEqual([
        {
          product: ring.id,
          sku: ring.sku,
          name: 'Solitaire Ring',
          unitPricePaise: 4_850_000,
          quantity: 1,
          lineTotalPaise: 4_850_000,
        },
        {
          product: chain.id,
          sku: chain.sku,
          name: 'Rope Chain',
          unitPricePaise: 1_234_567,
          quantity: 2,
          lineTotalPaise: 2_469_134,
        },
      ]);
      // The customer's view: no actor ids in the history.
      expect(data.statusHistory).toEqual([
        { from: null, to: 'pending', source: 'customer', at: expect.any(String), note: null },
      ]);
      expect(data.trackingInfo).toMatchObject({
        hasTracking: false,
        docketNumber: null,
        trackingHistory: [],
      });

      expect(await stockOf(ring.id)).toBe(2);
      expect(await stockOf(chain.id)).toBe(7);
      const stored = await t.db
        .collection('orders')
        .findOne({ _id: new ObjectId(data._id as string) });
      expect(stored).toMatchObject({
        orderNumber: data.orderNumber,
        status: 'pending',
        totalPaise: data.totalPaise,
      });
      expect(String(stored?.user)).toBe(customer.user.id);
      expect(stored).not.toHaveProperty('trackingNumber');
      expect(stored).not.toHaveProperty('idempotencyScope');
    });

    it('keeps the price the customer ordered at when the product price changes later', async () => {
      const product = await createProduct({ pricePaise: 100_000 });
      const res = await place(customer, order([{ product: product.id, quantity: 1 }])).expect(201);
      await t
        .http()
        .patch(`/api/products/${product.id}`)
        .set(bearer(admin))
        .send({ pricePaise: 999_999 })
        .expect(200);
      const again = await t
        .http()
        .get(`/api/orders/${res.body.data._id}`)
        .set(bearer(customer))
        .expect(200);
      expect(again.body.data.items[0].unitPricePaise).toBe(100_000);
      expect(again.body.data.totalPaise).toBe(100_000 + SHIPPING_FEE);
    });

    it('merges duplicate lines for one product into one line', async () => {
      const product = await createProduct({ stock: 10 });
      const res = await place(
        customer,
        order([
          { product: product.id, quantity: 2 },
          { product: product.id, quantity: 3 },
        ]),
      ).expect(201);
      expect(res.body.data.items).toHaveLength(1);
      expect(res.body.data.items[0]).toMatchObject({
        quantity: 5,
        lineTotalPaise: 5 * product.pricePaise,
      });
      expect(await stockOf(product.id)).toBe(5);
    });

    it('refuses client-sent prices or totals instead of trusting them', async () => {
      const product = await createProduct();
      const res = await place(customer, {
        items: [{ product: product.id, quantity: 1, unitPricePaise: 1 }],
        shippingAddress: ADDRESS,
        totalPaise: 1,
      }).expect(400);
      expect(fieldsOf(res.body)).toEqual(['items.0.unitPricePaise', 'totalPaise']);
      expect(await stockOf(product.id)).toBe(5);
    });

    it('needs a signed-in user', async () => {
      const product = await createProduct();
      await t
        .http()
        .post('/api/orders')
        .send(order([{ product: product.id, quantity: 1 }]))
        .expect(401);
    });
  });

  describe('validation', () => {
    let product: Product;

    beforeAll(async () => {
      product = await createProduct({ stock: 100 });
    });

    it('refuses an order with no lines', async () => {
      const res = await place(customer, order([])).expect(400);
      expect(fieldsOf(res.body)).toEqual(['items']);
    });

    it('refuses an order with more than 50 lines', async () => {
      const lines = Array.from({ length: 51 }, () => ({
        product: new ObjectId().toHexString(),
        quantity: 1,
      }));
      const res = await place(customer, order(lines)).expect(400);
      expect(fieldsOf(res.body)).toEqual(['items']);
    });

    it('names each line whose quantity is not a positive integer', async () => {
      const res = await place(
        customer,
        order([
          { product: product.id, quantity: 0 },
          { product: product.id, quantity: 1.5 },
          { product: 'not-an-id', quantity: 1 },
        ]),
      ).expect(400);
      expect(fieldsOf(res.body)).toEqual([
        'items.0.quantity',
        'items.1.quantity',
        'items.2.product',
      ]);
    });

    it('refuses a quantity over the configured maximum, naming the line', async () => {
      const res = await place(
        customer,
        order([{ product: product.id, quantity: MAX_PER_LINE + 1 }]),
      ).expect(400);
      expect(res.body.error.details).toEqual([
        {
          field: 'items.0.quantity',
          messages: [`quantity must not be greater than ${MAX_PER_LINE}`],
        },
      ]);
      expect(await stockOf(product.id)).toBe(100);
    });

    it('refuses duplicate lines that add up to more than the maximum', async () => {
      const res = await place(
        customer,
        order([
          { product: product.id, quantity: MAX_PER_LINE },
          { product: product.id, quantity: 1 },
        ]),
      ).expect(400);
      expect(res.body.error.details[0].messages[0]).toContain(product.id);
    });

    it('names every bad address field', async () => {
      const res = await place(customer, {
        items: [{ product: product.id, quantity: 1 }],
        shippingAddress: {
          fullName: 'A',
          phone: '12345',
          line1: '12, MG Road',
          state: 'Karnataka',
          pincode: '05600',
          country: 'US',
        },
      }).expect(400);
      expect(fieldsOf(res.body)).toEqual([
        'shippingAddress.city',
        'shippingAddress.country',
        'shippingAddress.fullName',
        'shippingAddress.phone',
        'shippingAddress.pincode',
      ]);
      expect(res.body.error.message).toContain('phone must be a 10-digit Indian mobile number');
    });

    it('refuses a missing address', async () => {
      const res = await place(customer, { items: [{ product: product.id, quantity: 1 }] }).expect(
        400,
      );
      expect(fieldsOf(res.body)).toContain('shippingAddress');
    });

    it('accepts an optional second address line', async () => {
      const res = await place(customer, {
        items: [{ product: product.id, quantity: 1 }],
        shippingAddress: { ...ADDRESS, line2: 'Near Sampige Theatre' },
      }).expect(201);
      expect(res.body.data.shippingAddress.line2).toBe('Near Sampige Theatre');
    });
  });

  describe('products that cannot be sold', () => {
    it('answers 404 naming a product that does not exist, and touches no stock', async () => {
      const real = await createProduct();
      const ghost = new ObjectId().toHexString();
      const res = await place(
        customer,
        order([
          { product: real.id, quantity: 1 },
          { product: ghost, quantity: 1 },
        ]),
      ).expect(404);
      expect(res.body.error.code).toBe('PRODUCT_NOT_FOUND');
      expect(res.body.error.message).toContain(ghost);
      expect(await stockOf(real.id)).toBe(5);
    });

    it('answers 400 naming an inactive product, and touches no stock', async () => {
      const real = await createProduct();
      const retired = await createProduct();
      await t.http().post(`/api/products/${retired.id}/deactivate`).set(bearer(admin)).expect(200);
      const res = await place(
        customer,
        order([
          { product: real.id, quantity: 1 },
          { product: retired.id, quantity: 1 },
        ]),
      ).expect(400);
      expect(res.body.error.code).toBe('PRODUCT_INACTIVE');
      expect(res.body.error.message).toContain(retired.sku);
      expect(await stockOf(real.id)).toBe(5);
      expect(await stockOf(retired.id)).toBe(5);
    });
  });

  describe('stock', () => {
    it('sells a product with stock 5 to exactly 5 of 20 parallel orders; the rest get 409', async () => {
      const product = await createProduct({ stock: 5 });
      const buyers = await Promise.all(Array.from({ length: 4 }, () => registerCustomer(t)));
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          place(buyers[i % 4], order([{ product: product.id, quantity: 1 }])),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(5);
      expect(statuses.filter((s) => s === 409)).toHaveLength(15);
      for (const r of results.filter((x) => x.status === 409)) {
        expect(r.body.error.code).toBe('INSUFFICIENT_STOCK');
        expect(r.body.error.message).toContain(product.sku);
      }
      expect(await stockOf(product.id)).toBe(0);
      expect(
        await t.db
          .collection('orders')
          .countDocuments({ 'items.product': new ObjectId(product.id) }),
      ).toBe(5);
      const numbers = results
        .filter((r) => r.status === 201)
        .map((r) => r.body.data.orderNumber as string);
      expect(new Set(numbers).size).toBe(5);
    });

    it('leaves the first line untouched when the second line is out of stock', async () => {
      const first = await createProduct({ stock: 4 });
      const second = await createProduct({ stock: 1 });
      const before = await ordersOf(customer);
      const res = await place(
        customer,
        order([
          { product: first.id, quantity: 3 },
          { product: second.id, quantity: 2 },
        ]),
      ).expect(409);
      expect(res.body.error).toMatchObject({
        code: 'INSUFFICIENT_STOCK',
        details: { sku: second.sku },
      });
      expect(await stockOf(first.id)).toBe(4);
      expect(await stockOf(second.id)).toBe(1);
      expect(await ordersOf(customer)).toBe(before);
    });

    it('keeps stock exact when overlapping multi-line orders race', async () => {
      const a = await createProduct({ stock: 6 });
      const b = await createProduct({ stock: 3 });
      // Each order takes one of each; b runs out after 3, so a must end at 6 - 3 = 3.
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          place(
            customer,
            order(
              i % 2
                ? [
                    { product: a.id, quantity: 1 },
                    { product: b.id, quantity: 1 },
                  ]
                : [
                    { product: b.id, quantity: 1 },
                    { product: a.id, quantity: 1 },
                  ],
            ),
          ),
        ),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(3);
      expect(results.filter((r) => r.status === 409)).toHaveLength(5);
      expect(await stockOf(a.id)).toBe(3);
      expect(await stockOf(b.id)).toBe(0);
    });
  });

  describe('Idempotency-Key', () => {
    it('returns the same order for the same key twice: 201 then 200, one order, stock taken once', async () => {
      const product = await createProduct({ stock: 5 });
      const key = randomUUID();
      const body = order([{ product: product.id, quantity: 2 }]);
      const first = await place(customer, body, key).expect(201);
      const second = await place(customer, body, key).expect(200);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.body.data).toEqual(first.body.data);
      expect(await stockOf(product.id)).toBe(3);
      expect(await t.db.collection('orders').countDocuments({ idempotencyKey: key })).toBe(1);
    });

    it('creates one order when the same key arrives 5 times in parallel', async () => {
      const product = await createProduct({ stock: 10 });
      const key = randomUUID();
      const body = order([{ product: product.id, quantity: 1 }]);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => place(customer, body, key)),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
      expect(new Set(results.map((r) => r.body.data._id as string)).size).toBe(1);
      expect(await stockOf(product.id)).toBe(9);
      expect(await t.db.collection('orders').countDocuments({ idempotencyKey: key })).toBe(1);
    });

    it('scopes keys to the user: the same key from another customer places another order', async () => {
      const product = await createProduct({ stock: 5 });
      const other = await registerCustomer(t);
      const key = randomUUID();
      const body = order([{ product: product.id, quantity: 1 }]);
      const mine = await place(customer, body, key).expect(201);
      const theirs = await place(other, body, key).expect(201);
      expect(theirs.body.data._id).not.toBe(mine.body.data._id);
      expect(await stockOf(product.id)).toBe(3);
    });

    it('refuses a key reused for a different order with 409 and places nothing', async () => {
      const product = await createProduct({ stock: 5 });
      const key = randomUUID();
      await place(customer, order([{ product: product.id, quantity: 1 }]), key).expect(201);
      const res = await place(customer, order([{ product: product.id, quantity: 2 }]), key).expect(
        409,
      );
      expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await stockOf(product.id)).toBe(4);
    });

    it('places separate orders without a key, even for identical requests', async () => {
      const product = await createProduct({ stock: 5 });
      const body = order([{ product: product.id, quantity: 1 }]);
      const a = await place(customer, body).expect(201);
      const b = await place(customer, body).expect(201);
      expect(a.body.data._id).not.toBe(b.body.data._id);
      expect(await stockOf(product.id)).toBe(3);
    });

    it('refuses a malformed key with 400 naming the header', async () => {
      const product = await createProduct();
      const res = await place(
        customer,
        order([{ product: product.id, quantity: 1 }]),
        'has spaces',
      ).expect(400);
      expect(fieldsOf(res.body)).toEqual(['Idempotency-Key']);
    });

    it('does not remember a key whose order failed, so a retry after restock succeeds', async () => {
      const product = await createProduct({ stock: 0 });
      const key = randomUUID();
      const body = order([{ product: product.id, quantity: 1 }]);
      await place(customer, body, key).expect(409);
      await t
        .http()
        .post(`/api/products/${product.id}/stock`)
        .set(bearer(admin))
        .send({ delta: 1 })
        .expect(200);
      await place(customer, body, key).expect(201);
      expect(await stockOf(product.id)).toBe(0);
    });
  });
});
