import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type Sequel247Sandbox,
  startSequel247Sandbox,
} from '../src/dev/sequel247-sandbox/sequel247-sandbox.js';
import { bearer, createAdmin, registerCustomer, TestUser } from './support/auth.js';
import { SandboxControl } from './support/sequel247-sandbox.js';
import { createTestApp, TestApp } from './support/test-app.js';
import { ADDRESS } from './support/orders.js';
import { ordersOutboxSettled } from './support/outbox.js';
import { dueNow, scheduleTrackings } from './support/tracking-schedule.js';

const { ObjectId } = mongoose.mongo;
const TOKEN = 'feedfacefeedfacefeedfacefeedface';

interface TrackingInfo {
  hasTracking: boolean;
  docketNumber: string | null;
  courierService: string | null;
  status: string | null;
  estimatedDelivery: string | null;
  trackingHistory: Array<{ status: string | null; code: string; location: string | null }>;
  lastUpdatedAt: string | null;
  trackingUrl: string | null;
  courierTrackingUrl: string | null;
}

interface OrderView {
  _id: string;
  orderNumber: string;
  orderStatus: string;
  trackingNumber: string | null;
  courierService: string | null;
  trackingInfo: TrackingInfo;
  statusHistory: Array<{
    from: string | null;
    to: string;
    source: string;
    /** Only in the admin view. */
    actor?: string | null;
    note: string | null;
  }>;
}

/**
 * Shipping and tracking sync end to end: the real app over HTTP, FerretDB, and the Sequel247
 * sandbox over real HTTP (its clock frozen, so only the control API moves parcels).
 */
describe('shipping and tracking sync', () => {
  let sandbox: Sequel247Sandbox;
  let control: SandboxControl;
  let t: TestApp;
  /**
   * A second instance of the service on the same database, for the work-sharing test. Created
   * up front and kept: passport's strategies are process-wide, so the last app created in
   * this process is the one that checks tokens (both read the same users).
   */
  let second: TestApp;
  let admin: TestUser;
  let customer: TestUser;
  let productId: string;

  const env = () => ({
    SEQUEL247_BASE_URL: sandbox.url,
    SEQUEL247_TOKEN: TOKEN,
    SEQUEL247_TIMEOUT_MS: '2000',
    SEQUEL247_RETRIES: '1',
    SEQUEL247_RETRY_BASE_MS: '10',
    SEQUEL247_BATCH_SIZE: '5',
    SEQUEL247_BREAKER_THRESHOLD: '1000',
    TRACKING_SYNC_CONCURRENCY: '2',
    TRACKING_RECONCILE_GRACE_SECONDS: '0',
    SHIPPING_REPAIR_AFTER_SECONDS: '0',
  });

  const orders = () => t.db.collection('orders');
  const trackings = () => t.db.collection<{ _id: string; [field: string]: unknown }>('trackings');

  async function placeOrder(user = customer, quantity = 1): Promise<OrderView> {
    const res = await t
      .http()
      .post('/api/orders')
      .set(bearer(user))
      .send({ items: [{ product: productId, quantity }], shippingAddress: ADDRESS });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data as OrderView;
  }

  function ship(orderRef: string, body: Record<string, unknown>, as: TestUser = admin) {
    return t.http().post(`/api/orders/admin/${orderRef}/ship`).set(bearer(as)).send(body);
  }

  async function shipOk(orderRef: string, body: Record<string, unknown>): Promise<OrderView> {
    const res = await ship(orderRef, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as OrderView;
  }

  /** The customer's view; with `admin`, the admin view (which names status actors). */
  async function getOrder(ref: string, as: TestUser = customer): Promise<OrderView> {
    const path = as === admin ? `/api/orders/admin/${ref}` : `/api/orders/${ref}`;
    const res = await t.http().get(path).set(bearer(as));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as OrderView;
  }

  async function syncPass(app: TestApp = t) {
    const res = await app.http().post('/api/tracking/admin/sync').set(bearer(admin));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as {
      claimed: number;
      changed: number;
      statusChanged: number;
      failed: number;
      courierCalls: number;
      reconciled: number;
    };
  }

  /** Time travel: these trackings' next poll is due now. */
  async function makeDue(...dockets: string[]) {
    await scheduleTrackings(t.db, { _id: { $in: dockets } }, dueNow());
  }

  /**
   * Writes step 1 of a ship call straight to the order: a parcel of every line, requested but
   * not yet shipped (what a crash right after that step leaves behind).
   */
  async function recordShipmentRequest(orderId: string, docket: string, requestedAt: Date) {
    // Not overlapping the outbox relay's own update of the order (see ordersOutboxSettled).
    await ordersOutboxSettled(t);
    const stored = await orders().findOne({ _id: new ObjectId(orderId) });
    const items = (stored?.items ?? []) as Array<{
      product: InstanceType<typeof ObjectId>;
      sku: string;
      name: string;
      quantity: number;
    }>;
    await orders().updateOne(
      { _id: new ObjectId(orderId) },
      {
        $set: {
          shipments: [
            {
              docketNumber: docket,
              courierService: 'Sequel247',
              carrierName: null,
              booked: false,
              lines: items.map(({ product, sku, name, quantity }) => ({
                product,
                sku,
                name,
                quantity,
              })),
              stage: 'requested',
              status: 'ORDER_PLACED',
              estimatedDelivery: null,
              history: [],
              requestedBy: admin.user.id,
              requestedAt,
              shippedAt: null,
              lastMovedAt: requestedAt,
              lastUpdatedAt: null,
              deliveredAt: null,
              returnedAt: null,
              restockedAt: null,
              note: null,
            },
          ],
          shipmentRequested: true,
        },
        $inc: { shipmentsVersion: 1 },
      },
    );
  }

  async function newDocket(scenario = 'delivered'): Promise<string> {
    const snapshot = await control.createDocket({ scenario, destination: ADDRESS.pincode });
    return snapshot.docket;
  }

  beforeAll(async () => {
    sandbox = await startSequel247Sandbox({ seed: 11, token: TOKEN, timeScale: 0 });
    control = new SandboxControl(sandbox.controlUrl);
    t = await createTestApp({ env: env() });
    second = await createTestApp({ env: env(), databaseName: t.databaseName });
    admin = await createAdmin(t);
    customer = await registerCustomer(t);
    const product = await t
      .http()
      .post('/api/products')
      .set(bearer(admin))
      .send({
        sku: `RING-${randomBytes(3).toString('hex').toUpperCase()}`,
        name: '18K Gold Solitaire Ring',
        pricePaise: 2_499_900,
        stock: 500,
      });
    expect(product.status).toBe(201);
    productId = product.body.data.id as string;
  });

  afterAll(async () => {
    await second?.close();
    await t?.close();
    await sandbox?.stop();
  });

  beforeEach(async () => {
    await control.clearFaults();
    await control.resetStats();
    // Park every earlier tracking, so each test's pass sees only its own dockets.
    await scheduleTrackings(t.db, {}, new Date(Date.now() + 86_400_000));
  });

  it("walks the seed's story: order, ship with a docket, sync passes, the customer sees ON_THE_ROAD then delivered", async () => {
    const order = await placeOrder();
    expect(order.trackingInfo).toEqual({
      hasTracking: false,
      docketNumber: null,
      courierService: null,
      status: null,
      estimatedDelivery: null,
      estimateSource: null,
      estimatedDeliveryWindow: null,
      trackingHistory: [],
      lastUpdatedAt: null,
      // The signed public tracking page exists from the start; the courier's once shipped.
      trackingUrl: expect.stringMatching(/\/track\/t\/[\w-]{22}\.[\w-]{22}$/) as string,
      courierTrackingUrl: null,
    });

    const docket = await newDocket('delivered');
    const shipped = await shipOk(order._id, { docketNumber: docket, courierService: 'Sequel247' });
    expect(shipped).toMatchObject({
      orderStatus: 'shipped',
      trackingNumber: docket,
      courierService: 'Sequel247',
    });
    expect(shipped.statusHistory.at(-1)).toMatchObject({
      from: 'pending',
      to: 'shipped',
      source: 'admin',
      actor: admin.user.id,
    });
    // The first fetch happened during the ship call.
    expect(shipped.trackingInfo).toMatchObject({
      hasTracking: true,
      docketNumber: docket,
      courierService: 'Sequel247',
      status: 'ORDER_PLACED',
    });
    expect(shipped.trackingInfo.trackingHistory.map((h) => h.code)).toEqual(['SCREATED']);
    expect(shipped.trackingInfo.lastUpdatedAt).not.toBeNull();
    expect(shipped.trackingInfo.courierTrackingUrl).toContain(docket);

    const stored = await trackings().findOne({ _id: docket });
    expect(stored).toMatchObject({
      order: new ObjectId(order._id),
      orderNumber: order.orderNumber,
      user: new ObjectId(customer.user.id),
      customerEmail: customer.user.email,
      docketNumber: docket,
      courierService: 'Sequel247',
    });
    expect(stored?.items).toEqual([
      expect.objectContaining({ product: new ObjectId(productId), quantity: 1 }),
    ]);

    // Picked up, checked in, on the line haul.
    await control.advance(docket, 3);
    await makeDue(docket);
    const first = await syncPass();
    expect(first).toMatchObject({ claimed: 1, statusChanged: 1, failed: 0 });

    const onTheRoad = await getOrder(order.orderNumber);
    expect(onTheRoad.orderStatus).toBe('shipped');
    expect(onTheRoad.trackingInfo.status).toBe('ON_THE_ROAD');
    expect(onTheRoad.trackingInfo.trackingHistory.map((h) => h.code)).toEqual([
      'SCREATED',
      'SPU',
      'SCHECKIN',
      'SLINREC',
    ]);
    expect(onTheRoad.trackingInfo.estimatedDelivery).not.toBeNull();

    // The rest of the script: … out for delivery, delivered.
    await control.advance(docket, 10);
    await makeDue(docket);
    await syncPass();

    const delivered = await getOrder(order._id);
    expect(delivered.orderStatus).toBe('delivered');
    expect(delivered.trackingInfo.status).toBe('DELIVERED');
    expect(delivered.trackingInfo.trackingHistory.at(-1)?.code).toBe('SDELVD');
    expect(delivered.statusHistory.at(-1)).toEqual({
      from: 'shipped',
      to: 'delivered',
      source: 'courier',
      at: expect.any(String),
      note: expect.anything(),
    });
    expect((await getOrder(order._id, admin)).statusHistory.at(-1)).toMatchObject({
      to: 'delivered',
      actor: 'Sequel247',
    });

    // The customer's list shows the same tracking block.
    const mine = await t.http().get('/api/orders/my').set(bearer(customer)).expect(200);
    const listed = (mine.body.data as OrderView[]).find((o) => o._id === order._id);
    expect(listed?.trackingInfo).toEqual(delivered.trackingInfo);

    // Its own tracking page, for its customer and nobody else.
    const page = await t.http().get(`/api/tracking/${docket}`).set(bearer(customer)).expect(200);
    expect(page.body.data).toMatchObject({ status: 'DELIVERED', orderId: order._id });
    const stranger = await registerCustomer(t);
    await t.http().get(`/api/tracking/${docket}`).set(bearer(stranger)).expect(404);

    // Delivered is terminal: even when "due", it is never asked about again.
    await control.resetStats();
    await makeDue(docket);
    const after = await syncPass();
    expect(after.claimed).toBe(0);
    expect((await control.stats()).byDocket[docket] ?? 0).toBe(0);
  });

  describe('booking with Sequel247', () => {
    it('books the shipment, ships with the docket Sequel247 issued, and a repeat books nothing more', async () => {
      const order = await placeOrder();
      const shipped = await shipOk(order._id, { book: true, weightGrams: 40 });
      const docket = shipped.trackingNumber!;
      expect(docket).toMatch(/^\d{10}$/);
      expect(shipped).toMatchObject({ orderStatus: 'shipped', courierService: 'Sequel247' });
      expect(shipped.trackingInfo).toMatchObject({ hasTracking: true, status: 'ORDER_PLACED' });
      expect((await control.docket(docket)).docket).toBe(docket);

      const again = await shipOk(order.orderNumber, { book: true });
      expect(again.trackingNumber).toBe(docket);
      expect(again.statusHistory.filter((h) => h.to === 'shipped')).toHaveLength(1);
      expect((await control.stats()).byEndpoint['/api/shipment/create']).toBe(1);
      expect(await trackings().countDocuments({ order: new ObjectId(order._id) })).toBe(1);
    });

    it('changes nothing when the booking fails at the courier (503)', async () => {
      const order = await placeOrder();
      await control.fault({ type: 'http5xx', status: 503, endpoint: '/api/shipment/create' });
      const res = await ship(order._id, { book: true }).expect(503);
      expect(res.body.error.code).toBe('SEQUEL247_UNAVAILABLE');
      const stored = await orders().findOne({ _id: new ObjectId(order._id) });
      expect(stored?.status).toBe('pending');
      expect(stored?.shipment).toBeUndefined();
      expect(await trackings().countDocuments({ order: new ObjectId(order._id) })).toBe(0);
    });
  });

  describe('ship rules', () => {
    it('is idempotent: the same call twice returns the same order, one tracking, one history entry', async () => {
      const order = await placeOrder();
      const docket = await newDocket();
      const first = await shipOk(order._id, { docketNumber: docket });
      const second = await shipOk(order._id, { docketNumber: docket, courierService: 'Sequel247' });
      expect(second.trackingNumber).toBe(first.trackingNumber);
      expect(second.statusHistory).toEqual(first.statusHistory);
      expect(await trackings().countDocuments({ _id: docket })).toBe(1);
    });

    it('rejects a docket already used by another order with 409 and leaves that order untouched', async () => {
      const docket = await newDocket();
      await shipOk((await placeOrder())._id, { docketNumber: docket });
      const other = await placeOrder();
      const res = await ship(other._id, { docketNumber: docket }).expect(409);
      expect(res.body.error).toMatchObject({
        code: 'DOCKET_ALREADY_USED',
        message: `Docket ${docket} is already used by another order`,
      });
      const stored = await orders().findOne({ _id: new ObjectId(other._id) });
      expect(stored?.status).toBe('pending');
      expect(stored?.shipment).toBeUndefined();
      expect(stored?.trackingNumber).toBeUndefined();
    });

    it('rejects shipping an already shipped order with another docket (409)', async () => {
      const order = await placeOrder();
      const docket = await newDocket();
      await shipOk(order._id, { docketNumber: docket });
      const res = await ship(order._id, { docketNumber: await newDocket() }).expect(409);
      expect(res.body.error).toMatchObject({
        code: 'ORDER_ALREADY_SHIPPED',
        details: { orderNumber: order.orderNumber, docketNumber: docket },
      });
    });

    it('rejects shipping a cancelled order and a delivered order with 409 naming the status', async () => {
      const cancelled = await placeOrder();
      await t.http().post(`/api/orders/${cancelled._id}/cancel`).set(bearer(customer)).expect(200);
      const res = await ship(cancelled._id, { docketNumber: await newDocket() }).expect(409);
      expect(res.body.error).toMatchObject({
        code: 'ILLEGAL_STATUS_TRANSITION',
        details: { current: 'cancelled', requested: 'shipped' },
      });

      const delivered = await placeOrder();
      for (const status of ['shipped', 'delivered']) {
        await t
          .http()
          .patch(`/api/orders/admin/${delivered._id}/status`)
          .set(bearer(admin))
          .send({ status })
          .expect(200);
      }
      const res2 = await ship(delivered._id, { docketNumber: await newDocket() }).expect(409);
      expect(res2.body.error.details).toEqual({ current: 'delivered', requested: 'shipped' });
      expect(await trackings().countDocuments({ order: new ObjectId(delivered._id) })).toBe(0);
    });

    it.each([
      [{ docketNumber: '12345' }, 'docketNumber', 'docketNumber must be exactly 10 digits'],
      [{ docketNumber: '12345678901' }, 'docketNumber', 'docketNumber must be exactly 10 digits'],
      [{ docketNumber: '12345abcde' }, 'docketNumber', 'docketNumber must be exactly 10 digits'],
      [{}, 'docketNumber', 'docketNumber is required unless book is true'],
      [
        { docketNumber: '1234567890', book: true },
        'book',
        'book cannot be true when a docketNumber is given',
      ],
      [
        { docketNumber: '1234567890', courierService: 'BlueDart' },
        'courierService',
        'courierService',
      ],
    ])('rejects %j with 400 naming %s', async (body, field, message) => {
      const order = await placeOrder();
      const res = await ship(order._id, body).expect(400);
      const fields = res.body.error.details as Array<{ field: string; messages: string[] }>;
      const named = fields.find((f) => f.field === field);
      expect(named?.messages.join(' ')).toContain(message);
      const stored = await orders().findOne({ _id: new ObjectId(order._id) });
      expect(stored?.status).toBe('pending');
    });

    it('is an admin route: 403 for a customer, 404 for an unknown order', async () => {
      const order = await placeOrder();
      await ship(order._id, { docketNumber: '1234567890' }, customer).expect(403);
      const res = await ship(new ObjectId().toHexString(), { docketNumber: '1234567890' });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('ORDER_NOT_FOUND');
    });

    it('still ships when the first fetch from the courier fails; the next pass catches up', async () => {
      const order = await placeOrder();
      const docket = await newDocket();
      await control.advance(docket, 4);
      await control.fault({ type: 'http5xx', status: 502, docket });
      const shipped = await shipOk(order._id, { docketNumber: docket });
      expect(shipped.orderStatus).toBe('shipped');
      expect(shipped.trackingInfo).toMatchObject({
        hasTracking: true,
        status: 'ORDER_PLACED',
        lastUpdatedAt: null,
        trackingHistory: [],
      });
      const stored = await trackings().findOne({ _id: docket });
      expect(stored?.consecutiveFailures).toBe(1);
      expect(stored?.lastError).toMatch(/502/);

      await control.clearFaults();
      await makeDue(docket);
      await syncPass();
      const caughtUp = await getOrder(order._id);
      expect(caughtUp.trackingInfo.status).toBe('ON_THE_ROAD');
      expect(caughtUp.trackingInfo.trackingHistory).toHaveLength(5);
    });
  });

  describe('sync passes', () => {
    it('loses nothing when the courier is down for a pass, and catches up on the next', async () => {
      const shippedOrders: Array<{ order: OrderView; docket: string }> = [];
      for (let i = 0; i < 3; i++) {
        const order = await placeOrder();
        const docket = await newDocket();
        await shipOk(order._id, { docketNumber: docket });
        shippedOrders.push({ order, docket });
      }
      const dockets = shippedOrders.map((s) => s.docket);
      for (const docket of dockets) await control.advance(docket, 20);

      await control.fault({ type: 'http5xx', status: 503 });
      await makeDue(...dockets);
      const down = await syncPass();
      expect(down).toMatchObject({ claimed: 3, failed: 3, statusChanged: 0 });
      for (const docket of dockets) {
        const stored = await trackings().findOne({ _id: docket });
        expect(stored).toMatchObject({ status: 'ORDER_PLACED', consecutiveFailures: 1 });
        expect((stored?.nextSyncAt as Date).getTime()).toBeGreaterThan(Date.now());
      }
      for (const { order } of shippedOrders)
        expect((await getOrder(order._id)).orderStatus).toBe('shipped');

      await control.clearFaults();
      await makeDue(...dockets);
      const back = await syncPass();
      expect(back).toMatchObject({ claimed: 3, statusChanged: 3, failed: 0 });
      for (const { order } of shippedOrders) {
        const view = await getOrder(order._id);
        expect(view.orderStatus).toBe('delivered');
        expect(view.trackingInfo.trackingHistory.map((h) => h.code)).toEqual([
          'SCREATED',
          'SPU',
          'SCHECKIN',
          'SLINREC',
          'SLINORIN',
          'SLINDEST',
          'SDELASN',
          'SDELVD',
        ]);
      }
    });

    it('shares the work between two instances running passes at once: no docket polled twice, no duplicate history', async () => {
      {
        const dockets: string[] = [];
        for (let i = 0; i < 12; i++) {
          const order = await placeOrder();
          const docket = await newDocket();
          await shipOk(order._id, { docketNumber: docket });
          await control.advance(docket, 3);
          dockets.push(docket);
        }
        await makeDue(...dockets);
        await control.resetStats();
        const [a, b] = await Promise.all([syncPass(t), syncPass(second)]);
        expect(a.claimed + b.claimed).toBe(12);
        const stats = await control.stats();
        for (const docket of dockets) {
          expect(stats.byDocket[docket], docket).toBe(1);
          const stored = await trackings().findOne({ _id: docket });
          const history = stored?.history as Array<{ code: string }>;
          expect(history.map((h) => h.code)).toEqual(['SCREATED', 'SPU', 'SCHECKIN', 'SLINREC']);
        }
      }
    });

    it('keeps a delivered order delivered when a stale poll reports an earlier status', async () => {
      const order = await placeOrder();
      const docket = await newDocket();
      await control.advance(docket, 20);
      const delivered = await shipOk(order._id, { docketNumber: docket });
      expect(delivered.orderStatus).toBe('delivered');

      // The courier's answer goes back in time (a lagging replica, say).
      await control.setStatus(docket, 'SLINREC');
      await t.http().post(`/api/tracking/admin/${docket}/refresh`).set(bearer(admin)).expect(200);
      const view = await getOrder(order._id);
      expect(view.orderStatus).toBe('delivered');
      expect(view.trackingInfo.status).toBe('DELIVERED');
      expect(view.statusHistory.map((h) => h.to)).toEqual(['pending', 'shipped', 'delivered']);
    });

    it('slots in out-of-order scans, drops duplicates, and keeps the status on an unknown code', async () => {
      const order = await placeOrder();
      const docket = await newDocket('stuck');
      await control.advance(docket, 3);
      await shipOk(order._id, { docketNumber: docket });
      const before = (await getOrder(order._id)).trackingInfo.trackingHistory;
      expect(before.map((h) => h.code)).toEqual(['SCREATED', 'SPU', 'SCHECKIN', 'SLINREC']);

      const snapshot = await control.docket(docket);
      const created = snapshot.scans.find((s) => s.code === 'SCREATED')!;
      const pickup = snapshot.scans.find((s) => s.code === 'SPU')!;
      // A late scan from between creation and pickup, a repeat of the pickup scan, and a code
      // Docket has never seen, which the courier also reports as the current status.
      await control.addScan(docket, {
        code: 'SCHKINORIGN',
        description: 'Checked in at origin (late upload)',
        location: 'BANGALORE',
        dateTime: between(created.dateTime, pickup.dateTime),
      });
      await control.addScan(docket, { ...pickup, setStatus: false });
      const latest = snapshot.scans.find((s) => s.code === 'SLINREC')!;
      await control.addScan(docket, {
        code: 'SNEWCODE',
        description: 'Something new',
        location: null,
        dateTime: later(latest.dateTime, 60),
        setStatus: true,
      });
      await makeDue(docket);
      await syncPass();

      const stored = await trackings().findOne({ _id: docket });
      expect(stored?.status).toBe('ON_THE_ROAD');
      expect(stored?.rawStatusCode).toBe('SNEWCODE');
      const view = await getOrder(order._id);
      expect(view.orderStatus).toBe('shipped');
      expect(view.trackingInfo.trackingHistory.map((h) => h.code)).toEqual([
        'SCREATED',
        'SCHKINORIGN',
        'SPU',
        'SCHECKIN',
        'SLINREC',
        'SNEWCODE',
      ]);
      expect(view.trackingInfo.trackingHistory.at(-1)?.status).toBeNull();
    });
  });

  describe('repair', () => {
    it('repairs a lost event: the tracking moved, the order did not, the next pass fixes the order', async () => {
      const order = await placeOrder();
      const docket = await newDocket();
      await shipOk(order._id, { docketNumber: docket });
      await control.advance(docket, 20);
      await makeDue(docket);
      await syncPass();
      expect((await getOrder(order._id)).orderStatus).toBe('delivered');

      // As if the process died after storing the tracking and before Orders saw the event.
      await orders().updateOne(
        { _id: new ObjectId(order._id) },
        { $set: { status: 'shipped' }, $pop: { statusHistory: 1 } },
      );
      await trackings().updateOne(
        { _id: docket },
        { $set: { orderAckPending: true, orderStatusAcknowledged: 'ORDER_PLACED' } },
      );

      const pass = await syncPass();
      expect(pass.reconciled).toBe(1);
      const repaired = await getOrder(order._id);
      expect(repaired.orderStatus).toBe('delivered');
      expect(repaired.statusHistory.at(-1)).toMatchObject({
        from: 'shipped',
        to: 'delivered',
        source: 'courier',
      });
      expect(repaired.statusHistory.at(-1)?.note).toContain('replayed');
      expect(await trackings().findOne({ _id: docket })).toMatchObject({
        orderAckPending: false,
        orderStatusAcknowledged: 'DELIVERED',
      });
      expect((await syncPass()).reconciled).toBe(0);
    });

    it('completes a shipment interrupted after the request was recorded, on the next pass', async () => {
      const order = await placeOrder();
      const docket = await newDocket();
      await control.advance(docket, 3);
      // As if the process died right after step 1 of a ship call.
      await recordShipmentRequest(order._id, docket, new Date(Date.now() - 60_000));
      await syncPass();
      const afterRepair = await getOrder(order._id, admin);
      expect(afterRepair.orderStatus).toBe('shipped');
      expect(afterRepair.trackingNumber).toBe(docket);
      expect(afterRepair.statusHistory.at(-1)).toMatchObject({
        from: 'pending',
        to: 'shipped',
        source: 'system',
      });
      expect(await trackings().countDocuments({ _id: docket })).toBe(1);

      // The tracking is due at once; the next pass fetches it.
      await syncPass();
      expect((await getOrder(order._id)).trackingInfo.status).toBe('ON_THE_ROAD');
    });

    it('finishes an interrupted ship when the admin repeats the call, and refuses another docket meanwhile', async () => {
      const order = await placeOrder();
      const docket = await newDocket();
      await recordShipmentRequest(order._id, docket, new Date());
      const other = await ship(order._id, { docketNumber: await newDocket() }).expect(409);
      expect(other.body.error.code).toBe('SHIPMENT_IN_PROGRESS');
      const done = await shipOk(order._id, { docketNumber: docket });
      expect(done).toMatchObject({ orderStatus: 'shipped', trackingNumber: docket });
      expect(done.trackingInfo.hasTracking).toBe(true);
    });
  });
});

const istMs = (s: string) => Date.parse(`${s.replace(' ', 'T')}+05:30`);
const toIst = (ms: number) =>
  new Date(ms + 5.5 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

/** An IST `YYYY-MM-DD HH:MM:SS` time halfway between two others. */
function between(a: string, b: string): string {
  return toIst((istMs(a) + istMs(b)) / 2);
}

function later(a: string, minutes: number): string {
  return toIst(istMs(a) + minutes * 60_000);
}
