import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type Sequel247Sandbox,
  startSequel247Sandbox,
} from '../src/dev/sequel247-sandbox/sequel247-sandbox.js';
import { OrderShipmentsService } from '../src/orders/order-shipments.service.js';
import { StatusChangeSource } from '../src/orders/order-status.js';
import { bearer, createAdmin, registerCustomer, TestUser } from './support/auth.js';
import { ADDRESS } from './support/orders.js';
import { SandboxControl } from './support/sequel247-sandbox.js';
import { createTestApp, TestApp } from './support/test-app.js';
import { dueNow, scheduleTrackings } from './support/tracking-schedule.js';

const { ObjectId } = mongoose.mongo;
const TOKEN = 'cafebabecafebabecafebabecafebabe';
const STOCK = 100;

interface Line {
  product: string;
  quantity: number;
}

interface Shipment {
  docketNumber: string;
  courierService: string;
  carrierName: string | null;
  booked: boolean;
  lines: Array<Line & { sku: string }>;
  stage: string;
  status: string;
  estimatedDelivery: string | null;
  trackingHistory: Array<{ status: string | null; code: string; location: string | null }>;
  trackingUrl: string | null;
  restocked: boolean;
}

interface Counts {
  ordered: number;
  shipped: number;
  delivered: number;
  returned: number;
  cancelled: number;
  unshipped: number;
}

interface OrderView {
  _id: string;
  orderNumber: string;
  orderStatus: string;
  trackingNumber: string | null;
  courierService: string | null;
  trackingInfo: {
    hasTracking: boolean;
    docketNumber: string | null;
    courierService: string | null;
    status: string | null;
    trackingHistory: Array<{ status: string | null; code: string; location: string | null }>;
    trackingUrl: string | null;
  };
  shipments: Shipment[];
  fulfilment: Counts & { lines: Array<Counts & { product: string }> };
  statusHistory: Array<{ from: string | null; to: string; source: string; actor: string | null }>;
}

/**
 * Several parcels per order, any courier behind the seam: the real app over HTTP, FerretDB, the
 * Sequel247 sandbox over real HTTP (clock frozen: only the control API moves parcels), and the
 * manual provider whose milestones an admin records.
 */
describe('shipments: several parcels per order, Sequel247 and manual', () => {
  let sandbox: Sequel247Sandbox;
  let control: SandboxControl;
  let t: TestApp;
  let admin: TestUser;
  let customer: TestUser;
  let ring: string;
  let chain: string;

  const orders = () => t.db.collection('orders');
  const trackings = () => t.db.collection<{ _id: string; [field: string]: unknown }>('trackings');

  async function createProduct(name: string): Promise<string> {
    const res = await t
      .http()
      .post('/api/products')
      .set(bearer(admin))
      .send({
        sku: `SKU-${randomBytes(4).toString('hex').toUpperCase()}`,
        name,
        pricePaise: 1_250_000,
        stock: STOCK,
      });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data.id as string;
  }

  async function stockOf(productId: string): Promise<number> {
    const product = await t.db.collection('products').findOne({ _id: new ObjectId(productId) });
    return product?.stock as number;
  }

  async function placeOrder(items: Line[]): Promise<OrderView> {
    const res = await t
      .http()
      .post('/api/orders')
      .set(bearer(customer))
      .send({ items, shippingAddress: ADDRESS });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data as OrderView;
  }

  function ship(orderRef: string, body: Record<string, unknown>) {
    return t.http().post(`/api/orders/admin/${orderRef}/ship`).set(bearer(admin)).send(body);
  }

  async function shipOk(orderRef: string, body: Record<string, unknown>): Promise<OrderView> {
    const res = await ship(orderRef, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as OrderView;
  }

  function scan(docket: string, body: Record<string, unknown>) {
    return t
      .http()
      .post(`/api/tracking/admin/${encodeURIComponent(docket)}/scans`)
      .set(bearer(admin))
      .send(body);
  }

  async function scanOk(
    docket: string,
    status: string,
    minutesAgo: number | string,
    location?: string,
  ) {
    const at =
      typeof minutesAgo === 'string'
        ? minutesAgo
        : new Date(Date.now() - minutesAgo * 60_000).toISOString();
    const res = await scan(docket, { status, at, ...(location ? { location } : {}) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as { status: string; history: unknown[]; nextSyncAt: string | null };
  }

  async function getOrder(ref: string): Promise<OrderView> {
    const res = await t.http().get(`/api/orders/${ref}`).set(bearer(customer));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as OrderView;
  }

  async function syncPass() {
    const res = await t.http().post('/api/tracking/admin/sync').set(bearer(admin));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as { claimed: number; statusChanged: number; reconciled: number };
  }

  async function makeDue(...dockets: string[]) {
    await scheduleTrackings(t.db, { _id: { $in: dockets } }, dueNow());
  }

  const manualNumber = () => `BD-${randomBytes(4).toString('hex').toUpperCase()}`;
  const newDocket = async (scenario = 'delivered') =>
    (await control.createDocket({ scenario, destination: ADDRESS.pincode })).docket;

  beforeAll(async () => {
    sandbox = await startSequel247Sandbox({ seed: 13, token: TOKEN, timeScale: 0 });
    control = new SandboxControl(sandbox.controlUrl);
    t = await createTestApp({
      env: {
        SEQUEL247_BASE_URL: sandbox.url,
        SEQUEL247_TOKEN: TOKEN,
        SEQUEL247_TIMEOUT_MS: '2000',
        SEQUEL247_RETRIES: '1',
        SEQUEL247_RETRY_BASE_MS: '10',
        TRACKING_RECONCILE_GRACE_SECONDS: '0',
        SHIPPING_REPAIR_AFTER_SECONDS: '0',
      },
    });
    admin = await createAdmin(t);
    customer = await registerCustomer(t);
    ring = await createProduct('18K Gold Solitaire Ring');
    chain = await createProduct('22K Gold Chain');
  });

  afterAll(async () => {
    await t?.close();
    await sandbox?.stop();
  });

  beforeEach(async () => {
    await control.resetStats();
    // Park every earlier tracking, so each test's pass sees only its own dockets.
    await scheduleTrackings(t.db, { nextSyncAt: { $ne: null } }, new Date(Date.now() + 86_400_000));
  });

  it('ships an order in two parcels (Sequel247 booking + manual): both shipments, fulfilment, trackingInfo, and each parcel moves the order', async () => {
    const order = await placeOrder([
      { product: ring, quantity: 2 },
      { product: chain, quantity: 1 },
    ]);
    expect(order.shipments).toEqual([]);
    expect(order.fulfilment).toMatchObject({ ordered: 3, shipped: 0, unshipped: 3 });

    // Parcel 1: one ring and the chain, booked with Sequel247.
    const first = await shipOk(order._id, {
      book: true,
      items: [
        { product: ring, quantity: 1 },
        { product: chain, quantity: 1 },
      ],
    });
    const sequelDocket = first.shipments[0].docketNumber;
    expect(sequelDocket).toMatch(/^\d{10}$/);
    expect(first.orderStatus).toBe('pending'); // one ring has not left yet
    expect(first.shipments).toHaveLength(1);
    expect(first.shipments[0]).toMatchObject({
      courierService: 'Sequel247',
      booked: true,
      stage: 'shipped',
      status: 'ORDER_PLACED',
    });
    expect(first.shipments[0].lines.map((l) => [l.product, l.quantity])).toEqual([
      [ring, 1],
      [chain, 1],
    ]);
    expect(first.fulfilment).toMatchObject({ ordered: 3, shipped: 2, unshipped: 1 });
    expect(first.trackingInfo).toMatchObject({ hasTracking: true, docketNumber: sequelDocket });

    // Parcel 2: the rest (no items given), by Blue Dart, recorded by hand.
    const manual = manualNumber();
    const second = await shipOk(order.orderNumber, {
      courierService: 'Manual',
      docketNumber: manual,
      carrierName: 'Blue Dart',
    });
    expect(second.orderStatus).toBe('shipped');
    expect(second.statusHistory.at(-1)).toMatchObject({ from: 'pending', to: 'shipped' });
    expect(second.shipments.map((s) => [s.docketNumber, s.courierService, s.carrierName])).toEqual([
      [sequelDocket, 'Sequel247', null],
      [manual, 'Manual', 'Blue Dart'],
    ]);
    expect(second.shipments[1].lines.map((l) => [l.product, l.quantity])).toEqual([[ring, 1]]);
    expect(second.fulfilment).toMatchObject({
      ordered: 3,
      shipped: 3,
      delivered: 0,
      returned: 0,
      unshipped: 0,
    });
    // The seed's single block describes the parcel that moved last.
    expect(second.trackingNumber).toBe(manual);
    expect(second.trackingInfo).toMatchObject({
      hasTracking: true,
      docketNumber: manual,
      courierService: 'Manual',
      status: 'ORDER_PLACED',
      // The shopper's signed link; a manual parcel has no courier page.
      trackingUrl: expect.stringContaining('/track/t/') as string,
      courierTrackingUrl: null,
    });
    const manualTracking = await trackings().findOne({ _id: manual });
    expect(manualTracking).toMatchObject({ courierService: 'Manual', nextSyncAt: null });
    expect(manualTracking?.items).toEqual([
      expect.objectContaining({ product: new ObjectId(ring), quantity: 1 }),
    ]);

    // The Sequel247 parcel is delivered: the order waits for the other one.
    await control.advance(sequelDocket, 20);
    await makeDue(sequelDocket);
    const pass = await syncPass();
    expect(pass.claimed).toBe(1); // the manual parcel is never due: nothing to poll
    expect(Object.keys((await control.stats()).byDocket)).toEqual([sequelDocket]);
    const halfway = await getOrder(order._id);
    expect(halfway.orderStatus).toBe('shipped');
    expect(halfway.shipments[0].status).toBe('DELIVERED');
    expect(halfway.shipments[0].trackingHistory.at(-1)?.code).toBe('SDELVD');
    expect(halfway.fulfilment).toMatchObject({ shipped: 3, delivered: 2 });
    expect(halfway.fulfilment.lines.find((l) => l.product === chain)).toMatchObject({
      ordered: 1,
      delivered: 1,
    });
    expect(halfway.trackingInfo).toMatchObject({ docketNumber: sequelDocket, status: 'DELIVERED' });

    // The manual parcel's milestones, recorded by an admin, move it and then the order.
    const onTheRoad = await scanOk(manual, 'ON_THE_ROAD', 60, 'Jaipur hub');
    expect(onTheRoad).toMatchObject({ status: 'ON_THE_ROAD', nextSyncAt: null });
    const moving = await getOrder(order._id);
    expect(moving.orderStatus).toBe('shipped');
    expect(moving.trackingInfo).toMatchObject({ docketNumber: manual, status: 'ON_THE_ROAD' });
    expect(moving.trackingInfo.trackingHistory).toEqual([
      expect.objectContaining({ status: 'ON_THE_ROAD', location: 'Jaipur hub' }),
    ]);

    const deliveredAt = new Date(Date.now() - 60_000).toISOString();
    await scanOk(manual, 'DELIVERED', deliveredAt);
    const delivered = await getOrder(order._id);
    expect(delivered.orderStatus).toBe('delivered');
    expect(delivered.statusHistory.at(-1)).toMatchObject({
      from: 'shipped',
      to: 'delivered',
      source: 'courier',
    });
    // Who moved it is for admins only (the customer's view carries no actors).
    expect(delivered.statusHistory.at(-1)).not.toHaveProperty('actor');
    const adminView = await t.http().get(`/api/orders/admin/${order._id}`).set(bearer(admin));
    expect(adminView.status, JSON.stringify(adminView.body)).toBe(200);
    expect((adminView.body.data as OrderView).statusHistory.at(-1)).toMatchObject({
      to: 'delivered',
      actor: 'Manual',
    });
    expect(delivered.fulfilment).toMatchObject({ shipped: 3, delivered: 3, unshipped: 0 });
    expect(delivered.shipments.map((s) => s.status)).toEqual(['DELIVERED', 'DELIVERED']);

    // The same milestone again is kept once; a backward one is refused; Sequel247 parcels
    // take their milestones from the courier only.
    const again = await scanOk(manual, 'DELIVERED', deliveredAt);
    expect(again.history).toHaveLength(2);
    const backwards = await scan(manual, { status: 'ON_THE_ROAD', at: new Date().toISOString() });
    expect(backwards.status).toBe(409);
    expect(backwards.body.error.code).toBe('TRACKING_STATUS_NOT_ALLOWED');
    const polled = await scan(sequelDocket, {
      status: 'DELIVERED',
      at: new Date().toISOString(),
    });
    expect(polled.status).toBe(400);
    expect(polled.body.error.code).toBe('COURIER_CAPABILITY_MISSING');
    const refresh = await t.http().post(`/api/tracking/admin/${manual}/refresh`).set(bearer(admin));
    expect(refresh.status).toBe(400);
    expect(refresh.body.error.code).toBe('COURIER_CAPABILITY_MISSING');
    expect((await getOrder(order._id)).statusHistory.map((h) => h.to)).toEqual([
      'pending',
      'shipped',
      'delivered',
    ]);
  });

  it('never ships a unit twice when ship requests for the same order race', async () => {
    const order = await placeOrder([{ product: ring, quantity: 3 }]);
    const sequelDockets = await Promise.all([newDocket(), newDocket(), newDocket()]);
    const requests = [
      ...sequelDockets.map((docketNumber) => ({
        docketNumber,
        items: [{ product: ring, quantity: 1 }],
      })),
      ...[0, 1, 2].map(() => ({
        courierService: 'Manual',
        docketNumber: manualNumber(),
        carrierName: 'Hand delivery',
        items: [{ product: ring, quantity: 1 }],
      })),
      // Two more that ask for "everything left".
      { courierService: 'Manual', docketNumber: manualNumber(), carrierName: 'Hand delivery' },
      { docketNumber: await newDocket() },
    ];
    const answers = await Promise.all(requests.map((body) => ship(order._id, body)));
    const won = answers.filter((r) => r.status === 200);
    const lost = answers.filter((r) => r.status !== 200);
    expect(lost.every((r) => r.status === 409)).toBe(true);
    expect(
      lost.every((r) =>
        ['QUANTITY_NOT_SHIPPABLE', 'ORDER_ALREADY_SHIPPED'].includes(r.body.error.code as string),
      ),
    ).toBe(true);

    const stored = await orders().findOne({ _id: new ObjectId(order._id) });
    const parcels = stored?.shipments as Array<{ docketNumber: string; lines: Line[] }>;
    const units = parcels.flatMap((p) => p.lines).reduce((sum, l) => sum + l.quantity, 0);
    expect(units).toBe(3);
    expect(parcels.length).toBe(won.length);
    expect(await trackings().countDocuments({ order: new ObjectId(order._id) })).toBe(won.length);
    const view = await getOrder(order._id);
    expect(view.orderStatus).toBe('shipped');
    expect(view.fulfilment).toMatchObject({ ordered: 3, shipped: 3, unshipped: 0 });

    // And one more afterwards finds nothing left.
    const late = await ship(order._id, {
      courierService: 'Manual',
      docketNumber: manualNumber(),
      carrierName: 'X',
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('ORDER_ALREADY_SHIPPED');
  });

  it('holds in the claiming write itself: racing claims without the ship flow lock take each unit once', async () => {
    const order = await placeOrder([{ product: ring, quantity: 3 }]);
    const shipments = t.app.get(OrderShipmentsService);
    const claims = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        shipments.request(
          order._id,
          {
            docketNumber: manualNumber(),
            courierService: 'Manual',
            carrierName: 'Hand delivery',
            booked: false,
            requestedBy: admin.user.id,
            note: null,
            requested: [{ product: ring, quantity: 1 }],
          },
          { source: StatusChangeSource.Admin, actor: admin.user.id },
        ),
      ),
    );
    const won = claims.filter((c) => c.status === 'fulfilled');
    expect(won).toHaveLength(3);
    for (const lost of claims.filter((c) => c.status === 'rejected')) {
      expect((lost.reason as { code: string }).code).toMatch(
        /^(QUANTITY_NOT_SHIPPABLE|SHIPMENT_IN_PROGRESS)$/,
      );
    }
    const stored = await orders().findOne({ _id: new ObjectId(order._id) });
    const parcels = stored?.shipments as Array<{ lines: Line[] }>;
    expect(parcels).toHaveLength(3);
    expect(parcels.flatMap((p) => p.lines).reduce((sum, l) => sum + l.quantity, 0)).toBe(3);
  });

  it('puts a returned-to-origin parcel back in stock exactly once and marks the order returned', async () => {
    const before = await stockOf(chain);
    const order = await placeOrder([{ product: chain, quantity: 2 }]);
    expect(await stockOf(chain)).toBe(before - 2);
    const docket = await newDocket('return-to-origin');
    await shipOk(order._id, { docketNumber: docket });

    await control.advance(docket, 30);
    await makeDue(docket);
    await syncPass();
    const returned = await getOrder(order._id);
    expect(returned.orderStatus).toBe('returned');
    expect(returned.shipments[0]).toMatchObject({ status: 'RETURNED_TO_ORIGIN', restocked: true });
    expect(returned.fulfilment).toMatchObject({ shipped: 2, returned: 2, delivered: 0 });
    expect(returned.statusHistory.at(-1)).toMatchObject({
      from: 'shipped',
      to: 'returned',
      source: 'courier',
    });
    expect(await stockOf(chain)).toBe(before);

    // The event again (as reconcile re-sends an unacknowledged one), and an admin recording
    // the same return: nothing more goes back on the shelf.
    await trackings().updateOne(
      { _id: docket },
      { $set: { orderAckPending: true, orderStatusAcknowledged: 'ON_THE_ROAD' } },
    );
    expect((await syncPass()).reconciled).toBe(1);
    const repeat = await t
      .http()
      .post(`/api/orders/admin/${order._id}/shipments/${docket}/return`)
      .set(bearer(admin))
      .send({});
    expect(repeat.status, JSON.stringify(repeat.body)).toBe(200);
    expect(await stockOf(chain)).toBe(before);
    expect(
      (await getOrder(order._id)).statusHistory.filter((h) => h.to === 'returned'),
    ).toHaveLength(1);
  });

  it('lets an admin record returns parcel by parcel: restocked once each, returned when all are back', async () => {
    const ringsBefore = await stockOf(ring);
    const chainsBefore = await stockOf(chain);
    const order = await placeOrder([
      { product: ring, quantity: 1 },
      { product: chain, quantity: 1 },
    ]);
    const a = manualNumber();
    const b = manualNumber();
    await shipOk(order._id, {
      courierService: 'Manual',
      docketNumber: a,
      carrierName: 'Hand delivery',
      items: [{ product: ring, quantity: 1 }],
    });
    await shipOk(order._id, { courierService: 'Manual', docketNumber: b, carrierName: 'DTDC' });
    await scanOk(a, 'DELIVERED', 5);
    await scanOk(b, 'DELIVERED', 4);
    expect((await getOrder(order._id)).orderStatus).toBe('delivered');

    const returnOf = (docket: string) =>
      t
        .http()
        .post(`/api/orders/admin/${order.orderNumber}/shipments/${docket}/return`)
        .set(bearer(admin))
        .send({ note: 'Customer sent it back' });
    const first = await returnOf(a);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.data).toMatchObject({ orderStatus: 'delivered' });
    expect(first.body.data.fulfilment).toMatchObject({ delivered: 1, returned: 1 });
    expect(await stockOf(ring)).toBe(ringsBefore);
    expect(await stockOf(chain)).toBe(chainsBefore - 1);

    await returnOf(a).expect(200);
    expect(await stockOf(ring)).toBe(ringsBefore);

    const second = (await returnOf(b)).body.data as OrderView;
    expect(second.orderStatus).toBe('returned');
    expect(second.statusHistory.at(-1)).toMatchObject({
      from: 'delivered',
      to: 'returned',
      source: 'admin',
    });
    expect(await stockOf(chain)).toBe(chainsBefore);

    const unknown = await returnOf('ZZ-NOT-A-PARCEL');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('SHIPMENT_NOT_FOUND');
  });

  it('cancels only the unshipped units of a partly shipped order', async () => {
    const before = await stockOf(ring);
    const order = await placeOrder([{ product: ring, quantity: 3 }]);
    await shipOk(order._id, {
      courierService: 'Manual',
      docketNumber: manualNumber(),
      carrierName: 'Hand delivery',
      items: [{ product: ring, quantity: 1 }],
    });
    const res = await t.http().post(`/api/orders/${order._id}/cancel`).set(bearer(customer));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const view = res.body.data as OrderView;
    expect(view.orderStatus).toBe('shipped'); // what is left of it has left
    expect(view.fulfilment).toMatchObject({ ordered: 3, shipped: 1, cancelled: 2, unshipped: 0 });
    expect(await stockOf(ring)).toBe(before - 1);

    const again = await ship(order._id, {
      courierService: 'Manual',
      docketNumber: manualNumber(),
      carrierName: 'Hand delivery',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ORDER_ALREADY_SHIPPED');
  });

  it('never puts a shipped unit back when a customer cancel races a ship request', async () => {
    const before = await stockOf(chain);
    const placed = await Promise.all(
      [0, 1, 2, 3, 4, 5].map(() => placeOrder([{ product: chain, quantity: 2 }])),
    );
    await Promise.all(
      placed.flatMap((order) => [
        ship(order._id, {
          courierService: 'Manual',
          docketNumber: manualNumber(),
          carrierName: 'Hand delivery',
          items: [{ product: chain, quantity: 1 }],
        }),
        t.http().post(`/api/orders/${order._id}/cancel`).set(bearer(customer)),
      ]),
    );
    let shipped = 0;
    for (const order of placed) {
      const view = await getOrder(order._id);
      expect(view.fulfilment.shipped + view.fulfilment.cancelled).toBe(2);
      expect(view.orderStatus).toBe(view.fulfilment.shipped > 0 ? 'shipped' : 'cancelled');
      shipped += view.fulfilment.shipped;
    }
    expect(await stockOf(chain)).toBe(before - shipped);
  });

  it('rejects impossible parcels with a clear 4xx and writes nothing', async () => {
    const order = await placeOrder([{ product: ring, quantity: 1 }]);
    const tooMany = await ship(order._id, {
      courierService: 'Manual',
      docketNumber: manualNumber(),
      carrierName: 'DTDC',
      items: [{ product: ring, quantity: 2 }],
    });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error).toMatchObject({
      code: 'QUANTITY_NOT_SHIPPABLE',
      details: { lines: [{ product: ring, requested: 2, available: 1 }] },
    });
    const notOnOrder = await ship(order._id, {
      docketNumber: await newDocket(),
      items: [{ product: chain, quantity: 1 }],
    });
    expect(notOnOrder.status).toBe(409);
    expect(notOnOrder.body.error.details.lines).toEqual([
      { product: chain, requested: 1, available: 0 },
    ]);

    const noCarrier = await ship(order._id, { courierService: 'Manual', docketNumber: 'BD-1234' });
    expect(noCarrier.status).toBe(400);
    expect(noCarrier.body.error.details[0].field).toBe('carrierName');
    const bookManual = await ship(order._id, {
      courierService: 'Manual',
      book: true,
      carrierName: 'X',
    });
    expect(bookManual.status).toBe(400);
    expect(bookManual.body.error.code).toBe('COURIER_CAPABILITY_MISSING');
    const badNumber = await ship(order._id, {
      courierService: 'Manual',
      docketNumber: 'no spaces please',
      carrierName: 'X',
    });
    expect(badNumber.status).toBe(400);
    expect(badNumber.body.error.details[0].field).toBe('docketNumber');

    const stored = await orders().findOne({ _id: new ObjectId(order._id) });
    expect(stored?.shipments).toEqual([]);
    expect(stored?.status).toBe('pending');
    expect(await trackings().countDocuments({ order: new ObjectId(order._id) })).toBe(0);
  });
});
