import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Sequel247Sandbox,
  startSequel247Sandbox,
} from '../src/dev/sequel247-sandbox/sequel247-sandbox.js';
import { bearer, createAdmin, registerCustomer, TestUser } from './support/auth.js';
import { ADDRESS } from './support/orders.js';
import { SandboxControl } from './support/sequel247-sandbox.js';
import { createTestApp, TestApp, TEST_SEQUEL247_TOKEN } from './support/test-app.js';

const METRICS_TOKEN = randomBytes(24).toString('hex');

/** The value of one sample line, e.g. `docket_tracking_sync_passes_total 1`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return null;
}

describe('GET /api/metrics', () => {
  let sandbox: Sequel247Sandbox;
  let control: SandboxControl;
  let t: TestApp;
  let admin: TestUser;
  let customer: TestUser;

  beforeAll(async () => {
    sandbox = await startSequel247Sandbox({ seed: 3, token: TEST_SEQUEL247_TOKEN, timeScale: 0 });
    control = new SandboxControl(sandbox.controlUrl);
    t = await createTestApp({
      env: {
        METRICS_TOKEN,
        SEQUEL247_BASE_URL: sandbox.url,
        SEQUEL247_RETRIES: '0',
        SEQUEL247_TIMEOUT_MS: '2000',
      },
    });
    admin = await createAdmin(t);
    customer = await registerCustomer(t);
  });
  afterAll(async () => {
    delete process.env.METRICS_TOKEN;
    await t?.close();
    await sandbox?.stop();
  });

  const scrape = async () => {
    const res = await t
      .http()
      .get('/api/metrics')
      .set('authorization', `Bearer ${METRICS_TOKEN}`)
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    return res.text;
  };

  it('refuses anonymous callers, user tokens and wrong tokens with 401', async () => {
    await t.http().get('/api/metrics').expect(401);
    await t.http().get('/api/metrics').set(bearer(admin)).expect(401);
    const res = await t
      .http()
      .get('/api/metrics')
      .set('authorization', `Bearer ${'x'.repeat(METRICS_TOKEN.length)}`)
      .expect(401);
    expect(res.body.success).toBe(false);
  });

  it('times HTTP requests by route template and status, not by raw URL', async () => {
    await t.http().get('/api/orders/0123456789abcdef01234567').set(bearer(customer)).expect(404);
    await t.http().get('/api/health').expect(200);
    const text = await scrape();
    expect(
      sample(text, 'docket_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/orders/:orderId',
        status: '404',
      }),
    ).toBe(1);
    expect(
      sample(text, 'docket_http_request_duration_seconds_count', {
        route: '/api/health',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('0123456789abcdef01234567');
  });

  it('counts sync passes and courier calls, and shows the backlog and the breaker', async () => {
    const product = await t
      .http()
      .post('/api/products')
      .set(bearer(admin))
      .send({
        sku: `MET-${randomBytes(3).toString('hex')}`,
        name: 'Nath',
        pricePaise: 99_00,
        stock: 5,
      })
      .expect(201);
    const order = await t
      .http()
      .post('/api/orders')
      .set(bearer(customer))
      .send({ items: [{ product: product.body.data.id, quantity: 1 }], shippingAddress: ADDRESS })
      .expect(201);
    const { docket } = await control.createDocket({ destination: ADDRESS.pincode });
    await t
      .http()
      .post(`/api/orders/admin/${order.body.data._id as string}/ship`)
      .set(bearer(admin))
      .send({ docketNumber: docket })
      .expect(200);
    // Due an hour ago: one shipment waiting, more than one poll interval (30 min) late.
    await t.db
      .collection('trackings')
      .updateOne(
        { _id: docket as never },
        { $set: { nextSyncAt: new Date(Date.now() - 3_600_000) } },
      );

    const before = await scrape();
    expect(sample(before, 'docket_tracking_shipments_due')).toBe(1);
    expect(sample(before, 'docket_tracking_shipments_overdue')).toBe(1);
    expect(sample(before, 'docket_tracking_sync_lag_seconds')).toBeGreaterThan(3_500);
    expect(sample(before, 'docket_courier_circuit_state', { state: 'closed' })).toBe(1);
    expect(sample(before, 'docket_courier_circuit_state', { state: 'open' })).toBe(0);
    expect(sample(before, 'docket_tracking_sync_passes_total')).toBe(0);

    await t.http().post('/api/tracking/admin/sync').set(bearer(admin)).expect(200);

    const after = await scrape();
    expect(sample(after, 'docket_tracking_sync_passes_total')).toBe(1);
    expect(sample(after, 'docket_tracking_sync_pass_duration_seconds_count')).toBe(1);
    expect(
      (sample(after, 'docket_tracking_sync_shipments_total', { result: 'changed' }) ?? 0) +
        (sample(after, 'docket_tracking_sync_shipments_total', { result: 'unchanged' }) ?? 0),
    ).toBe(1);
    expect(
      sample(after, 'docket_courier_calls_total', {
        courier: 'Sequel247',
        endpoint: '/api/trackMultiple',
        outcome: 'success',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('records failed courier calls by outcome', async () => {
    await control.fault({ type: 'http5xx', status: 503 });
    const tracked = await t.db.collection('trackings').findOne({});
    expect(tracked).not.toBeNull();
    await t
      .http()
      .post(`/api/tracking/admin/${tracked!._id as unknown as string}/refresh`)
      .set(bearer(admin));
    await control.clearFaults();
    const failures = (await scrape())
      .split('\n')
      .filter((l) => l.startsWith('docket_courier_calls_total{') && !l.includes('"success"'));
    expect(failures.join('\n')).toMatch(/courier="Sequel247".*outcome="SEQUEL247_UNAVAILABLE"/);
  });
});
