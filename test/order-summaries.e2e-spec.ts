import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderSummaries } from '../src/orders/order-summaries.service.js';
import { bearer, createAdmin, registerCustomer, TestUser } from './support/auth.js';
import { ADDRESS } from './support/orders.js';
import { createTestApp, TestApp } from './support/test-app.js';
import { ordersOutboxSettled } from './support/outbox.js';

const { ObjectId } = mongoose.mongo;

/** The order id in a response, whichever name the order view gives it. */
function idOf(order: Record<string, unknown>): string {
  return String(order._id ?? order.id);
}

function listOf(body: { data: unknown }): Array<Record<string, unknown>> {
  const data = body.data as
    Array<Record<string, unknown>> | { items: Array<Record<string, unknown>> };
  return Array.isArray(data) ? data : data.items;
}

describe('order summaries (the list read model)', () => {
  let t: TestApp;
  let admin: TestUser;
  let customer: TestUser;
  let productId: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
    customer = await registerCustomer(t);
    const product = await t
      .http()
      .post('/api/products')
      .set(bearer(admin))
      .send({
        sku: `SKU-${randomBytes(4).toString('hex')}`,
        name: 'Ring',
        pricePaise: 500,
        stock: 50,
      });
    productId = String(product.body.data._id ?? product.body.data.id);
  });
  afterAll(async () => {
    await t.close();
  });

  async function place(): Promise<string> {
    const res = await t
      .http()
      .post('/api/orders')
      .set(bearer(customer))
      .send({ items: [{ product: productId, quantity: 1 }], shippingAddress: ADDRESS });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return idOf(res.body.data as Record<string, unknown>);
  }

  const summaries = () => t.db.collection('order_summaries');

  it('writes a summary with each order and moves it with every status change', async () => {
    const id = await place();
    expect(await summaries().findOne({ _id: new ObjectId(id) })).toMatchObject({
      status: 'pending',
      totalPaise: 500,
      version: 1,
    });
    await t
      .http()
      .patch(`/api/orders/admin/${id}/status`)
      .set(bearer(admin))
      .send({ status: 'processing' })
      .expect(200);
    expect(await summaries().findOne({ _id: new ObjectId(id) })).toMatchObject({
      status: 'processing',
      version: 2,
    });
  });

  it('heals a summary left behind its order when a list shows it', async () => {
    const id = await place();
    // The relay's own write of the new order must not race the direct writes below (FerretDB
    // updates read, then write: the later one would undo the other).
    await ordersOutboxSettled(t);
    // As if the process died between the order's write and its summary's.
    await summaries().updateOne(
      { _id: new ObjectId(id) },
      { $set: { status: 'pending', version: 0 } },
    );
    await t.db
      .collection('orders')
      .updateOne({ _id: new ObjectId(id) }, { $set: { status: 'processing' } });
    const res = await t.http().get('/api/orders/my').set(bearer(customer)).expect(200);
    expect(listOf(res.body).map(idOf)).toContain(id);
    expect(await summaries().findOne({ _id: new ObjectId(id) })).toMatchObject({
      status: 'processing',
      version: 1,
    });
  });

  it('repairs missing summaries (an order stored, its summary never written)', async () => {
    const id = await place();
    await summaries().deleteOne({ _id: new ObjectId(id) });
    const before = await t.http().get('/api/orders/my?limit=100').set(bearer(customer)).expect(200);
    expect(listOf(before.body).map(idOf)).not.toContain(id);

    expect(await t.app.get(OrderSummaries).repairMissing()).toBe(1);
    const after = await t.http().get('/api/orders/my?limit=100').set(bearer(customer)).expect(200);
    expect(listOf(after.body).map(idOf)).toContain(id);
  });

  it('never lets an older summary replace a newer one', async () => {
    const id = await place();
    const order = await t.db.collection('orders').findOne({ _id: new ObjectId(id) });
    await t
      .http()
      .patch(`/api/orders/admin/${id}/status`)
      .set(bearer(admin))
      .send({ status: 'processing' })
      .expect(200);
    // A late write of the first version (a slower instance) is dropped.
    await t.app.get(OrderSummaries).record(order as never);
    expect(await summaries().findOne({ _id: new ObjectId(id) })).toMatchObject({
      status: 'processing',
      version: 2,
    });
  });
});
