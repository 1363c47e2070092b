import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackingStatus } from '../src/courier/tracking-status.js';
import { DeliveredShipmentsListener } from '../src/delivery-estimates/delivered-shipments.listener.js';
import { ShipmentStatusChangedEvent } from '../src/tracking/events/shipment-status-changed.event.js';
import {
  type Sequel247Sandbox,
  startSequel247Sandbox,
} from '../src/dev/sequel247-sandbox/sequel247-sandbox.js';
import { bearer, createAdmin, registerCustomer, TestUser } from './support/auth.js';
import { ADDRESS } from './support/orders.js';
import { SandboxControl } from './support/sequel247-sandbox.js';
import { createTestApp, TestApp } from './support/test-app.js';
import { dueNow, scheduleTrackings } from './support/tracking-schedule.js';

const TOKEN = 'feedfacefeedfacefeedfacefeedface';
const HOUR = 3_600_000;
/** A Delhi address: the lane Bangalore (the store) → Delhi. */
const DELHI = { ...ADDRESS, city: 'New Delhi', state: 'Delhi', pincode: '110017' };
/** Transit hours of the deliveries the lane history is built from: p10 22, p50 30, p90 38. */
const LANE_TRANSIT_HOURS = [20, 30, 40];

interface CheckoutEstimate {
  pincode: string;
  courierService: string;
  serviceable: boolean;
  codAllowed: boolean;
  city: string | null;
  estimatedDelivery: string | null;
  estimateSource: 'courier' | 'docket' | null;
  estimatedDeliveryWindow: { earliest: string; latest: string } | null;
  courierEstimatedDelivery: string | null;
  laneDeliveries: number;
}

interface TrackingInfo {
  hasTracking: boolean;
  docketNumber: string | null;
  status: string | null;
  estimatedDelivery: string | null;
  estimateSource: 'courier' | 'docket' | null;
  estimatedDeliveryWindow: { earliest: string; latest: string } | null;
}

const ms = (iso: string | null) => new Date(iso!).getTime();

/**
 * Delivery dates over HTTP: the public checkout estimate against the Sequel247 sandbox's
 * serviceability and EDD endpoints, and Docket's own estimate for a shipment the courier gave
 * no ETA, learnt from deliveries that went through the real ship → sync → event flow.
 */
describe('delivery estimates', () => {
  let sandbox: Sequel247Sandbox;
  let control: SandboxControl;
  let t: TestApp;
  let limited: TestApp;
  let admin: TestUser;
  let customer: TestUser;
  let productId: string;

  const env = (rateLimit: number) => ({
    SEQUEL247_BASE_URL: sandbox.url,
    SEQUEL247_TOKEN: TOKEN,
    SEQUEL247_TIMEOUT_MS: '2000',
    SEQUEL247_RETRIES: '0',
    SEQUEL247_BREAKER_THRESHOLD: '1000',
    SEQUEL247_ORIGIN_PINCODE: '560001',
    DELIVERY_ESTIMATE_RATE_LIMIT: String(rateLimit),
    DELIVERY_ESTIMATE_MIN_SAMPLES: String(LANE_TRANSIT_HOURS.length),
  });

  function checkout(pincode: string | undefined, app: TestApp = t) {
    const req = app.http().get('/api/delivery-estimate');
    return pincode === undefined ? req : req.query({ pincode });
  }

  async function checkoutOk(pincode: string): Promise<CheckoutEstimate> {
    const res = await checkout(pincode);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as CheckoutEstimate;
  }

  beforeAll(async () => {
    sandbox = await startSequel247Sandbox({ seed: 13, token: TOKEN, timeScale: 0 });
    control = new SandboxControl(sandbox.controlUrl);
    // The throttled app first: passport's strategies are process-wide, and the last app
    // created is the one that checks tokens for the shipping tests.
    limited = await createTestApp({ env: env(2) });
    t = await createTestApp({ env: env(1000) });
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
        stock: 100,
      });
    expect(product.status).toBe(201);
    productId = product.body.data.id as string;
  });

  afterAll(async () => {
    await t?.close();
    await limited?.close();
    await sandbox?.stop();
  });

  describe('at checkout', () => {
    it('answers without a token for a served pincode: COD allowed, the courier EDD as the estimate', async () => {
      const before = Date.now();
      const estimate = await checkoutOk('400001');
      expect(estimate).toMatchObject({
        pincode: '400001',
        courierService: 'Sequel247',
        serviceable: true,
        codAllowed: true,
        city: 'MUMBAI',
        estimateSource: 'courier',
        estimatedDeliveryWindow: null,
        laneDeliveries: 0,
      });
      // Sandbox EDD for Bangalore → Mumbai: 3 days, 20:00 IST.
      expect(estimate.estimatedDelivery).toBe(estimate.courierEstimatedDelivery);
      const days = (ms(estimate.estimatedDelivery) - before) / (24 * HOUR);
      expect(days).toBeGreaterThan(2);
      expect(days).toBeLessThan(4.5);
    });

    it('says when the courier serves a pincode but will not collect cash', async () => {
      const estimate = await checkoutOk('190001');
      expect(estimate).toMatchObject({ serviceable: true, codAllowed: false, city: 'SRINAGAR' });
      expect(estimate.estimatedDelivery).not.toBeNull();
    });

    it('answers an unserved pincode cleanly: not serviceable, no COD, no date', async () => {
      const estimate = await checkoutOk('900001');
      expect(estimate).toMatchObject({
        pincode: '900001',
        serviceable: false,
        codAllowed: false,
        estimatedDelivery: null,
        estimateSource: null,
        estimatedDeliveryWindow: null,
        courierEstimatedDelivery: null,
      });
    });

    it.each([['12345'], ['1100017'], ['011001'], ['11OO17'], ['']])(
      'rejects the malformed pincode %j with a 400 naming it',
      async (pincode) => {
        const res = await checkout(pincode);
        expect(res.status).toBe(400);
        expect(res.body.success).toBe(false);
        expect(JSON.stringify(res.body.error)).toContain('pincode');
      },
    );

    it('rejects a missing pincode with a 400 naming it', async () => {
      const res = await checkout(undefined);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.error)).toContain('pincode');
    });

    it('turns a courier outage into an error envelope, not a guess', async () => {
      await control.fault({ type: 'http5xx', endpoint: '/api/checkServiceability', count: 3 });
      try {
        const res = await checkout('411001');
        expect(res.status).toBeGreaterThanOrEqual(502);
        expect(res.body.success).toBe(false);
      } finally {
        await control.clearFaults();
      }
      expect((await checkoutOk('411001')).serviceable).toBe(true);
    });

    it('rate-limits each client: 429 with Retry-After past DELIVERY_ESTIMATE_RATE_LIMIT', async () => {
      expect((await checkout('560034', limited)).status).toBe(200);
      expect((await checkout('560034', limited)).status).toBe(200);
      const res = await checkout('560034', limited);
      expect(res.status).toBe(429);
      expect(res.body.success).toBe(false);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  describe("from Docket's own history", () => {
    async function placeOrder(): Promise<string> {
      const res = await t
        .http()
        .post('/api/orders')
        .set(bearer(customer))
        .send({ items: [{ product: productId, quantity: 1 }], shippingAddress: DELHI });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.data._id as string;
    }

    async function shipWithNewDocket(orderId: string, withoutEta = false): Promise<string> {
      const { docket } = await control.request<{ docket: string }>('POST', '/dockets', {
        scenario: 'manual',
        destination: DELHI.pincode,
        withoutEta,
      });
      const res = await t
        .http()
        .post(`/api/orders/admin/${orderId}/ship`)
        .set(bearer(admin))
        .send({ docketNumber: docket });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return docket;
    }

    async function syncNow(): Promise<void> {
      await scheduleTrackings(t.db, { terminal: false }, dueNow());
      const res = await t.http().post('/api/tracking/admin/sync').set(bearer(admin));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }

    async function trackingInfo(orderId: string): Promise<TrackingInfo> {
      const res = await t.http().get(`/api/orders/${orderId}`).set(bearer(customer));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.data.trackingInfo as TrackingInfo;
    }

    beforeAll(async () => {
      // Three parcels on the lane, each delivered a known number of hours after it shipped.
      for (const hours of LANE_TRANSIT_HOURS) {
        const orderId = await placeOrder();
        const shippedAt = Date.now();
        const docket = await shipWithNewDocket(orderId);
        await control.addScan(docket, { code: 'SPU', dateTime: new Date(shippedAt).toISOString() });
        await control.addScan(docket, {
          code: 'SDELVD',
          dateTime: new Date(shippedAt + hours * HOUR).toISOString(),
        });
      }
      await syncNow();
    });

    it('records one transit sample per delivered shipment, on its lane', async () => {
      const journeys = await t.db
        .collection('delivery_journeys')
        .find({ districtLane: '560>110', delivered: true })
        .toArray();
      expect(journeys).toHaveLength(LANE_TRANSIT_HOURS.length);
      const hours = journeys.map((j) => Math.round(j.transitHours as number)).sort((a, b) => a - b);
      expect(hours).toEqual(LANE_TRANSIT_HOURS);
    });

    it('counts a delivery once when its event comes again, and ignores unknown dockets', async () => {
      const journeys = () => t.db.collection<{ _id: string }>('delivery_journeys');
      const before = await journeys().find({ delivered: true }).sort({ _id: 1 }).toArray();
      const tracking = await t.db
        .collection<{ _id: string; order: unknown; orderNumber: string; user: unknown }>(
          'trackings',
        )
        .findOne({ _id: before[0]._id });
      const delivered = (docketNumber: string) =>
        new ShipmentStatusChangedEvent({
          trackingId: docketNumber,
          orderId: String(tracking!.order),
          orderNumber: String(tracking!.orderNumber),
          userId: String(tracking!.user),
          docketNumber,
          courierService: 'Sequel247',
          previousStatus: TrackingStatus.Delivered,
          status: TrackingStatus.Delivered,
          rawStatusCode: 'SDELVD',
          occurredAt: new Date(Date.now() + 100 * HOUR),
          estimatedDelivery: null,
          history: [],
          replayed: true,
        });
      const listener = t.app.get(DeliveredShipmentsListener);
      await listener.onShipmentStatusChanged(delivered(before[0]._id));
      await listener.onShipmentStatusChanged(delivered('0000000042'));
      const after = await journeys().find({ delivered: true }).sort({ _id: 1 }).toArray();
      expect(after).toEqual(before);
    });

    it("prefers Docket's window at checkout once the lane has enough deliveries", async () => {
      const before = Date.now();
      const estimate = await checkoutOk(DELHI.pincode);
      expect(estimate).toMatchObject({
        serviceable: true,
        estimateSource: 'docket',
        laneDeliveries: LANE_TRANSIT_HOURS.length,
      });
      expect(estimate.courierEstimatedDelivery).not.toBeNull();
      const after = (iso: string | null) => (ms(iso) - before) / HOUR;
      expect(after(estimate.estimatedDelivery)).toBeCloseTo(30, 0);
      expect(after(estimate.estimatedDeliveryWindow!.earliest)).toBeCloseTo(22, 0);
      expect(after(estimate.estimatedDeliveryWindow!.latest)).toBeCloseTo(38, 0);
    });

    it('gives a shipment without a courier ETA a docket estimate with its window', async () => {
      const orderId = await placeOrder();
      const shippedAt = Date.now();
      const docket = await shipWithNewDocket(orderId, true);
      await control.addScan(docket, { code: 'SPU', dateTime: new Date(shippedAt).toISOString() });
      await syncNow();
      const info = await trackingInfo(orderId);
      expect(info).toMatchObject({ docketNumber: docket, estimateSource: 'docket' });
      const hoursAfterShip = (iso: string | null) => (ms(iso) - shippedAt) / HOUR;
      expect(hoursAfterShip(info.estimatedDelivery)).toBeCloseTo(30, 0);
      expect(hoursAfterShip(info.estimatedDeliveryWindow!.earliest)).toBeCloseTo(22, 0);
      expect(hoursAfterShip(info.estimatedDeliveryWindow!.latest)).toBeCloseTo(38, 0);
    });

    it("keeps the courier's ETA while it is ahead, with Docket's window beside it", async () => {
      const orderId = await placeOrder();
      const docket = await shipWithNewDocket(orderId);
      const { eta } = await control.docket(docket);
      const info = await trackingInfo(orderId);
      expect(info).toMatchObject({ estimateSource: 'courier', estimatedDelivery: eta });
      expect(info.estimatedDeliveryWindow).not.toBeNull();
    });
  });
});
