import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxRelay } from '../src/notifications/outbox/outbox-relay.service.js';
import { statusChangedEntry } from '../src/orders/order-outbox-entries.js';
import { snapshotOf } from '../src/orders/order-snapshots.service.js';
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

describe('order summaries and snapshots (the list read models)', () => {
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
    await other?.close();
    await t.close();
  });

  /** A second instance on the same database: its memory holds none of this one's snapshots. */
  let other: TestApp | undefined;
  async function secondInstance(): Promise<TestApp> {
    other ??= await createTestApp({ databaseName: t.databaseName });
    return other;
  }

  async function place(): Promise<string> {
    const res = await t
      .http()
      .post('/api/orders')
      .set(bearer(customer))
      .send({ items: [{ product: productId, quantity: 1 }], shippingAddress: ADDRESS });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return idOf(res.body.data as Record<string, unknown>);
  }

  async function toProcessing(id: string, app: TestApp = t): Promise<void> {
    await app
      .http()
      .patch(`/api/orders/admin/${id}/status`)
      .set(bearer(admin))
      .send({ status: 'processing' })
      .expect(200);
  }

  const summaries = () => t.db.collection('order_summaries');
  const snapshots = () => t.db.collection('order_snapshots');

  it('writes a summary with each order and moves it with every status change', async () => {
    const id = await place();
    expect(await summaries().findOne({ _id: new ObjectId(id) })).toMatchObject({
      status: 'pending',
      totalPaise: 500,
      version: 1,
    });
    await toProcessing(id);
    expect(await summaries().findOne({ _id: new ObjectId(id) })).toMatchObject({
      status: 'processing',
      version: 2,
    });
  });

  it('heals a summary left behind its order when a list shows it', async () => {
    const id = await place();
    await toProcessing(id);
    // The relay's own write of the order must not race the direct write below.
    await ordersOutboxSettled(t);
    // As if the summary's write had failed after the order's and the snapshot's.
    await summaries().updateOne(
      { _id: new ObjectId(id) },
      { $set: { status: 'pending', version: 1, rev: 1 } },
    );
    const res = await t.http().get('/api/orders/my').set(bearer(customer)).expect(200);
    expect(listOf(res.body).find((o) => idOf(o) === id)?.orderStatus).toBe('processing');
    expect(await summaries().findOne({ _id: new ObjectId(id) })).toMatchObject({
      status: 'processing',
      version: 2,
    });
  });

  it('reads the order itself when its snapshot is behind the summary, and re-records the snapshot', async () => {
    const id = await place();
    await ordersOutboxSettled(t);
    const placed = await t.db.collection('orders').findOne({ _id: new ObjectId(id) });
    await toProcessing(id);
    await ordersOutboxSettled(t);
    // As if the snapshot's write had failed: the copy taken when the order was placed.
    await snapshots().replaceOne({ _id: new ObjectId(id) }, snapshotOf(placed as never));
    // Listed by an instance that never held the order in memory.
    const fresh = await secondInstance();
    const res = await fresh.http().get('/api/orders/my').set(bearer(customer)).expect(200);
    expect(listOf(res.body).find((o) => idOf(o) === id)?.orderStatus).toBe('processing');
    expect(await snapshots().findOne({ _id: new ObjectId(id) })).toMatchObject({ rev: 2 });
  });

  it('brings both read models up to a change they missed (the process died right after it) in the outbox repair pass', async () => {
    const id = await place();
    await ordersOutboxSettled(t);
    const order = await t.db.collection('orders').findOne({ _id: new ObjectId(id) });
    // What OrdersService writes for a status change, with neither read model written after it.
    const change = {
      from: 'pending',
      to: 'processing',
      at: new Date(),
      source: 'admin',
      actor: admin.user.id,
      note: null,
    };
    await t.db.collection('orders').updateOne(
      { _id: new ObjectId(id) },
      {
        $set: { status: 'processing', outboxPending: true },
        $push: {
          statusHistory: change,
          outbox: statusChangedEntry(order as never, change as never),
        } as never,
      },
    );
    const before = await t.http().get('/api/orders/my').set(bearer(customer)).expect(200);
    expect(listOf(before.body).find((o) => idOf(o) === id)?.orderStatus).toBe('pending');

    await t.app.get(OutboxRelay).repair();
    const after = await t.http().get('/api/orders/my').set(bearer(customer)).expect(200);
    expect(listOf(after.body).find((o) => idOf(o) === id)?.orderStatus).toBe('processing');
    expect(await summaries().findOne({ _id: new ObjectId(id) })).toMatchObject({
      status: 'processing',
      version: 2,
    });
    expect(await snapshots().findOne({ _id: new ObjectId(id) })).toMatchObject({ rev: 2 });
  });

  it("never shows an order from this instance's memory once another instance has changed it", async () => {
    const id = await place();
    const statusIn = async (app: TestApp) => {
      const res = await app.http().get('/api/orders/my?limit=100').set(bearer(customer));
      expect(res.status).toBe(200);
      return listOf(res.body).find((o) => idOf(o) === id)?.orderStatus;
    };
    expect(await statusIn(t)).toBe('pending'); // now held in this instance's memory
    const second = await secondInstance();
    await toProcessing(id, second);
    expect(await statusIn(t)).toBe('processing');
    expect(await statusIn(second)).toBe('processing');
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
    await toProcessing(id);
    // A late write of the first version (a slower instance) is dropped.
    await t.app.get(OrderSummaries).record(order as never);
    expect(await summaries().findOne({ _id: new ObjectId(id) })).toMatchObject({
      status: 'processing',
      version: 2,
    });
  });
});
