import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_TOKEN } from '../src/config/sequel247.config.js';
import { DemoModule } from '../src/dev/demo/demo.module.js';
import { DEMO_PRODUCTS } from '../src/dev/demo/demo-products.js';
import { DEMO_ADMIN, DEMO_CUSTOMER } from '../src/dev/demo/demo-users.js';
import {
  type Sequel247Sandbox,
  startSequel247Sandbox,
} from '../src/dev/sequel247-sandbox/sequel247-sandbox.js';
import { SandboxControl } from './support/sequel247-sandbox.js';
import { createTestApp, TestApp } from './support/test-app.js';
import { dueNow, scheduleTrackings } from './support/tracking-schedule.js';

/** A well-formed Sequel247 token that is not the sandbox's: stands in for a real account. */
const OTHER_TOKEN = 'feedfacefeedfacefeedfacefeedface';
const CREATE_SHIPMENT = '/api/shipment/create';

interface OrderView {
  _id: string;
  orderNumber: string;
  orderStatus: string;
  trackingNumber: string | null;
  courierService: string | null;
  shippingAddress: { city: string; pincode: string; country: string };
  trackingInfo: { hasTracking: boolean; docketNumber: string | null; status: string | null };
  statusHistory: Array<{ to: string; source: string }>;
}

interface Page<T> {
  items: T[];
  total: number;
}

/** Boots as `npm start` with nothing configured does: the embedded demo, DemoModule loaded. */
const embeddedDemo = { devModules: [DemoModule] };

/**
 * Demo data seeded at boot (DEMO_DATA=true), checked the way a frontend team sees it: over HTTP,
 * with the Sequel247 sandbox over real HTTP (clock frozen) as the courier.
 */
describe('demo data at boot', () => {
  let sandbox: Sequel247Sandbox;
  let control: SandboxControl;

  const demoEnv = (token: string) => ({
    DEMO_DATA: 'true',
    SEQUEL247_BASE_URL: sandbox.url,
    SEQUEL247_TOKEN: token,
    SEQUEL247_TIMEOUT_MS: '2000',
    SEQUEL247_RETRIES: '1',
    SEQUEL247_RETRY_BASE_MS: '10',
  });

  async function login(t: TestApp, account: { email: string; password: string }) {
    const res = await t
      .http()
      .post('/api/auth/login')
      .send({ email: account.email, password: account.password });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { authorization: `Bearer ${res.body.data.accessToken as string}` };
  }

  async function myOrders(t: TestApp): Promise<Page<OrderView>> {
    const res = await t
      .http()
      .get('/api/orders/my?limit=100')
      .set(await login(t, DEMO_CUSTOMER));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { items: res.body.data as OrderView[], total: res.body.meta.total as number };
  }

  async function catalogue(t: TestApp): Promise<Page<{ sku: string; name: string }>> {
    const res = await t.http().get('/api/products?limit=100');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return {
      items: res.body.data as Array<{ sku: string; name: string }>,
      total: res.body.meta.total as number,
    };
  }

  async function bookings(): Promise<number> {
    return (await control.stats()).byEndpoint[CREATE_SHIPMENT] ?? 0;
  }

  beforeAll(async () => {
    sandbox = await startSequel247Sandbox({ seed: 31, token: SANDBOX_TOKEN, timeScale: 0 });
    control = new SandboxControl(sandbox.controlUrl);
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  beforeEach(async () => {
    await control.resetStats();
  });

  describe('with the Sequel247 sandbox as the courier', () => {
    let t: TestApp;
    let bookingsAtBoot: number;

    beforeAll(async () => {
      await control.resetStats();
      t = await createTestApp({ env: demoEnv(SANDBOX_TOKEN), embeddedDemo });
      bookingsAtBoot = await bookings();
    });

    afterAll(async () => {
      await t?.close();
    });

    it('lists the whole demo catalogue at GET /api/products', async () => {
      const page = await catalogue(t);
      expect(page.total).toBe(DEMO_PRODUCTS.length);
      expect(page.items.map((p) => p.sku).sort()).toEqual(DEMO_PRODUCTS.map((p) => p.sku).sort());
    });

    it('gives the demo customer orders in several states, two shipped with a booked docket and live tracking', async () => {
      const page = await myOrders(t);
      expect(page.total).toBe(4);
      expect(page.items.map((o) => o.orderStatus)).toEqual([
        'pending',
        'processing',
        'shipped',
        'shipped',
      ]);

      const shipped = page.items.filter((o) => o.orderStatus === 'shipped');
      for (const order of shipped) {
        expect(order.trackingNumber).toMatch(/^\d{10}$/);
        expect(order.courierService).toBe('Sequel247');
        expect(order.trackingInfo).toMatchObject({
          hasTracking: true,
          docketNumber: order.trackingNumber,
          status: 'ORDER_PLACED',
        });
        expect(order.statusHistory.at(-1)).toMatchObject({ to: 'shipped', source: 'admin' });
        // The courier really has the parcel.
        const parcel = await control.docket(order.trackingNumber!);
        expect(parcel.scans.map((s) => s.code)).toEqual(['SCREATED']);
      }
      expect(new Set(shipped.map((o) => o.trackingNumber)).size).toBe(2);
      expect(bookingsAtBoot).toBe(2);

      for (const order of page.items.filter((o) => o.orderStatus !== 'shipped')) {
        expect(order.trackingNumber).toBeNull();
        expect(order.trackingInfo.hasTracking).toBe(false);
      }
      expect(page.items.every((o) => o.shippingAddress.country === 'IN')).toBe(true);
    });

    it('moves the demo shipments as their sandbox parcels move (admin sync)', async () => {
      const before = await myOrders(t);
      const dockets = before.items.flatMap((o) => (o.trackingNumber ? [o.trackingNumber] : []));
      for (const docket of dockets) await control.advance(docket, 20);
      // Due now rather than at the next scheduled poll.
      await scheduleTrackings(t.db, {}, dueNow());

      const sync = await t
        .http()
        .post('/api/tracking/admin/sync')
        .set(await login(t, DEMO_ADMIN));
      expect(sync.status, JSON.stringify(sync.body)).toBe(200);

      const after = await myOrders(t);
      const delivered = after.items.filter((o) => o.trackingNumber !== null);
      expect(delivered.map((o) => [o.orderStatus, o.trackingInfo.status])).toEqual([
        ['delivered', 'DELIVERED'],
        ['delivered', 'DELIVERED'],
      ]);
    });

    it('adds no products, orders or bookings when the app restarts on the same database', async () => {
      const counts = async () => ({
        products: await t.db.collection('products').countDocuments(),
        orders: await t.db.collection('orders').countDocuments(),
        trackings: await t.db.collection('trackings').countDocuments(),
        users: await t.db.collection('users').countDocuments(),
      });
      const before = await counts();
      const ordersBefore = (await myOrders(t)).items.map((o) => [o.orderNumber, o.orderStatus]);

      const { databaseName } = t;
      await t.close();
      t = await createTestApp({ env: demoEnv(SANDBOX_TOKEN), databaseName, embeddedDemo });

      expect(await counts()).toEqual(before);
      expect((await catalogue(t)).total).toBe(DEMO_PRODUCTS.length);
      expect((await myOrders(t)).items.map((o) => [o.orderNumber, o.orderStatus])).toEqual(
        ordersBefore,
      );
      expect(await bookings()).toBe(0);
    });
  });

  describe('with a courier token that is not the sandbox token', () => {
    let t: TestApp;

    afterAll(async () => {
      await t?.close();
    });

    it('seeds the demo orders but books no shipment', async () => {
      t = await createTestApp({ env: demoEnv(OTHER_TOKEN), embeddedDemo });

      expect(await bookings()).toBe(0);
      expect((await catalogue(t)).total).toBe(DEMO_PRODUCTS.length);
      const page = await myOrders(t);
      expect(page.total).toBe(4);
      expect(page.items.map((o) => o.orderStatus)).toEqual([
        'pending',
        'processing',
        'pending',
        'pending',
      ]);
      for (const order of page.items) {
        expect(order.trackingNumber).toBeNull();
        expect(order.trackingInfo.hasTracking).toBe(false);
      }
      expect(await t.db.collection('trackings').countDocuments()).toBe(0);
    });
  });

  describe('when the courier fails the booking', () => {
    let t: TestApp;

    afterAll(async () => {
      await control.clearFaults();
      await t?.close();
    });

    it('still boots, with the demo orders placed and left unshipped', async () => {
      await control.fault({ type: 'http5xx', status: 502, endpoint: CREATE_SHIPMENT });
      t = await createTestApp({ env: demoEnv(SANDBOX_TOKEN), embeddedDemo });

      expect((await t.http().get('/api/health')).status).toBe(200);
      // One failed booking, then the rest are not attempted (bookings are never retried).
      expect(await bookings()).toBe(1);
      const page = await myOrders(t);
      expect(page.items.map((o) => o.orderStatus)).toEqual([
        'pending',
        'processing',
        'pending',
        'pending',
      ]);
      expect(page.items.every((o) => o.trackingNumber === null)).toBe(true);
    });
  });

  // Last: they leave NODE_ENV=production in this process's environment.
  describe('with anything real configured', () => {
    let t: TestApp | undefined;

    afterAll(async () => {
      await t?.close();
    });

    it('refuses to boot with DEMO_DATA=true, naming DEMO_DATA and why', async () => {
      // A database of its own (MONGODB_URI set by an operator), not the embedded demo's.
      const error = await createTestApp({ env: demoEnv(OTHER_TOKEN) }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(String(error)).toMatch(/DEMO_DATA="true".*MONGODB_URI is set/s);
      expect(await bookings()).toBe(0);
    });

    it('seeds nothing in production even when the demo module is loaded', async () => {
      t = await createTestApp({
        env: {
          ...demoEnv(OTHER_TOKEN),
          DEMO_DATA: '',
          NODE_ENV: 'production',
          JWT_SECRET: 'a-production-secret-of-at-least-32-characters',
          PUBLIC_TRACKING_SECRET: 'a-production-link-secret-of-at-least-32-chars',
          PUBLIC_TRACKING_URL_TEMPLATE: 'https://shop.example.in/track/{token}',
          // Production needs a real SMTP server for customer email; nothing is sent here.
          SMTP_URL: 'smtp://127.0.0.1:1',
          // The tests' loopback-webhook setting is refused in production.
          WEBHOOKS_ALLOW_PRIVATE_TARGETS: '',
        },
        embeddedDemo,
      });

      expect((await catalogue(t)).total).toBe(0);
      const res = await t
        .http()
        .post('/api/auth/login')
        .send({ email: DEMO_CUSTOMER.email, password: DEMO_CUSTOMER.password });
      expect(res.status).toBe(401);
      for (const collection of ['users', 'products', 'orders', 'trackings']) {
        expect(await t.db.collection(collection).countDocuments(), collection).toBe(0);
      }
      expect(await bookings()).toBe(0);
    });
  });
});
