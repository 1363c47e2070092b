import { randomBytes } from 'node:crypto';
import type { OpenAPIObject } from '@nestjs/swagger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Sequel247Sandbox,
  startSequel247Sandbox,
} from '../src/dev/sequel247-sandbox/sequel247-sandbox.js';
import { bearer, createAdmin, registerCustomer, TestUser } from './support/auth.js';
import { committedOpenApiDocument, operationsOf } from './support/openapi.js';
import { ADDRESS } from './support/orders.js';
import { SandboxControl } from './support/sequel247-sandbox.js';
import { createTestApp, TestApp, TEST_SEQUEL247_TOKEN } from './support/test-app.js';

/** The seed's trackingInfo fields: a frontend built on the seed reads exactly these. */
const SEED_TRACKING_FIELDS = [
  'hasTracking',
  'docketNumber',
  'status',
  'estimatedDelivery',
  'trackingHistory',
];

/**
 * The seed's JSON is the contract: a frontend written against it reads `data.map(...)`,
 * `order._id`, `order.orderStatus` and `order.trackingInfo.{…}`. Pinned over HTTP and in the
 * committed OpenAPI document.
 */
describe("the seed's response contract", () => {
  let sandbox: Sequel247Sandbox;
  let control: SandboxControl;
  let t: TestApp;
  let admin: TestUser;
  let customer: TestUser;
  let productId: string;

  beforeAll(async () => {
    sandbox = await startSequel247Sandbox({ seed: 9, token: TEST_SEQUEL247_TOKEN, timeScale: 0 });
    control = new SandboxControl(sandbox.controlUrl);
    t = await createTestApp({
      env: {
        SEQUEL247_BASE_URL: sandbox.url,
        SEQUEL247_RETRIES: '0',
        SEQUEL247_TIMEOUT_MS: '2000',
      },
    });
    admin = await createAdmin(t);
    customer = await registerCustomer(t);
    const product = await t
      .http()
      .post('/api/products')
      .set(bearer(admin))
      .send({
        sku: `SEED-${randomBytes(3).toString('hex').toUpperCase()}`,
        name: 'Temple Jhumkas',
        pricePaise: 1_250_000,
        stock: 20,
      })
      .expect(201);
    productId = product.body.data.id as string;
  });

  afterAll(async () => {
    await t?.close();
    await sandbox?.stop();
  });

  async function placeOrder(): Promise<Record<string, unknown>> {
    const res = await t
      .http()
      .post('/api/orders')
      .set(bearer(customer))
      .send({ items: [{ product: productId, quantity: 1 }], shippingAddress: ADDRESS })
      .expect(201);
    expect(res.body.success).toBe(true);
    return res.body.data as Record<string, unknown>;
  }

  describe('order JSON', () => {
    it('names an unshipped order as the seed does: _id, orderNumber, orderStatus, trackingInfo', async () => {
      const order = await placeOrder();
      expect(order).toMatchObject({
        _id: expect.stringMatching(/^[a-f\d]{24}$/),
        orderNumber: expect.stringMatching(/^DKT-/),
        orderStatus: 'pending',
        trackingInfo: {
          hasTracking: false,
          docketNumber: null,
          status: null,
          estimatedDelivery: null,
          trackingHistory: [],
        },
      });
      // One name per thing: the old names are gone.
      expect(order).not.toHaveProperty('id');
      expect(order).not.toHaveProperty('status');
      expect(Object.keys(order.trackingInfo as object)).toEqual(
        expect.arrayContaining(SEED_TRACKING_FIELDS),
      );
    });

    it('fills trackingInfo once shipped, in the customer list, the order and after a sync', async () => {
      const order = await placeOrder();
      const { docket } = await control.createDocket({ destination: ADDRESS.pincode });
      await t
        .http()
        .post(`/api/orders/admin/${order._id as string}/ship`)
        .set(bearer(admin))
        .send({ docketNumber: docket })
        .expect(200);
      await control.advance(docket, 3);
      await t.http().post(`/api/tracking/admin/${docket}/refresh`).set(bearer(admin)).expect(200);

      const one = await t
        .http()
        .get(`/api/orders/${order._id as string}`)
        .set(bearer(customer))
        .expect(200);
      const view = one.body.data as {
        _id: string;
        orderStatus: string;
        trackingInfo: Record<string, unknown> & {
          trackingHistory: Array<Record<string, unknown>>;
        };
        statusHistory: Array<Record<string, unknown>>;
      };
      expect(view._id).toBe(order._id);
      expect(view.orderStatus).toBe('shipped');
      expect(view.trackingInfo).toMatchObject({
        hasTracking: true,
        docketNumber: docket,
        status: expect.any(String),
      });
      expect(view.trackingInfo.estimatedDelivery).toEqual(expect.any(String));
      expect(view.trackingInfo.trackingHistory.length).toBeGreaterThan(1);
      expect(view.trackingInfo.trackingHistory[0]).toMatchObject({
        code: 'SCREATED',
        occurredAt: expect.any(String),
      });
      // Customers never see other people's ids: the admin who shipped it is not named.
      expect(view.statusHistory.map((h) => h.to)).toEqual(['pending', 'shipped']);
      for (const change of view.statusHistory) expect(change).not.toHaveProperty('actor');

      const mine = await t.http().get('/api/orders/my').set(bearer(customer)).expect(200);
      const listed = (mine.body.data as Array<{ _id: string }>).find((o) => o._id === order._id);
      expect(listed).toEqual(view);
    });
  });

  describe('lists', () => {
    const lists: Array<[string, () => TestUser]> = [
      ['/api/orders/my', () => customer],
      ['/api/orders/admin', () => admin],
      ['/api/products', () => customer],
      ['/api/products/admin', () => admin],
      ['/api/users', () => admin],
      ['/api/tracking/admin', () => admin],
    ];

    it.each(lists)(
      '%s answers { success, data: [...], meta: { page, limit, total, pages } }',
      async (path, as) => {
        const res = await t.http().get(`${path}?limit=1`).set(bearer(as())).expect(200);
        expect(Object.keys(res.body).sort()).toEqual(['data', 'meta', 'success']);
        expect(res.body.success).toBe(true);
        expect(Array.isArray(res.body.data)).toBe(true);
        expect(res.body.data).toHaveLength(1);
        const { page, limit, total, pages } = res.body.meta as Record<string, number>;
        expect({ page, limit }).toEqual({ page: 1, limit: 1 });
        expect(total).toBeGreaterThanOrEqual(1);
        expect(pages).toBe(total);
      },
    );

    it('counts pages from the total and limit, and gives an empty page past the end', async () => {
      for (let i = 0; i < 3; i++) await placeOrder();
      const first = await t.http().get('/api/orders/my?limit=2').set(bearer(customer)).expect(200);
      const { total } = first.body.meta as { total: number };
      expect(first.body.meta).toEqual({ page: 1, limit: 2, total, pages: Math.ceil(total / 2) });
      const past = await t
        .http()
        .get(`/api/orders/my?limit=2&page=${Math.ceil(total / 2) + 1}`)
        .set(bearer(customer))
        .expect(200);
      expect(past.body.data).toEqual([]);
    });
  });

  describe('the committed openapi.json', () => {
    let document: OpenAPIObject;
    const schema = (name: string) =>
      document.components?.schemas?.[name] as {
        properties: Record<
          string,
          {
            $ref?: string;
            allOf?: Array<{ $ref?: string }>;
            items?: { $ref?: string };
          }
        >;
        required?: string[];
      };

    beforeAll(() => {
      document = committedOpenApiDocument();
    });

    it("names the customer's order view with the seed's fields and no actor ids", () => {
      const order = schema('CustomerOrderDto');
      expect(order.required).toEqual(
        expect.arrayContaining(['_id', 'orderNumber', 'orderStatus', 'trackingInfo']),
      );
      expect(order.properties).not.toHaveProperty('id');
      expect(order.properties).not.toHaveProperty('status');
      // A described property is documented as `allOf: [{ $ref }]`.
      const tracking = order.properties.trackingInfo;
      expect(tracking.$ref ?? tracking.allOf?.[0]?.$ref).toBe(
        '#/components/schemas/TrackingInfoDto',
      );
      expect(schema('TrackingInfoDto').required).toEqual(
        expect.arrayContaining(SEED_TRACKING_FIELDS),
      );
      const history = order.properties.statusHistory.items?.$ref ?? '';
      expect(schema(history.split('/').pop()!).properties).not.toHaveProperty('actor');
    });

    it('documents every list as data (an array) with meta beside it', () => {
      const lists = operationsOf(document).filter((op) =>
        ['/api/orders/my', '/api/orders/admin', '/api/products', '/api/users'].includes(op.path),
      );
      expect(lists.length).toBeGreaterThanOrEqual(4);
      for (const op of lists.filter((o) => o.method === 'get')) {
        const body = op.responses['200'].content?.['application/json']?.schema as {
          properties: Record<string, { type?: string; properties?: Record<string, unknown> }>;
        };
        expect(body.properties.data.type, op.path).toBe('array');
        expect(Object.keys(body.properties.meta.properties ?? {}).sort(), op.path).toEqual([
          'limit',
          'page',
          'pages',
          'total',
        ]);
      }
    });
  });
});
