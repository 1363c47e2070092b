import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TrackingLinkSigner } from '../src/public-tracking/tracking-link.signer.js';
import {
  Sequel247Sandbox,
  startSequel247Sandbox,
} from '../src/dev/sequel247-sandbox/sequel247-sandbox.js';
import { bearer, createAdmin, registerCustomer, type TestUser } from './support/auth.js';
import { ADDRESS } from './support/orders.js';
import { SandboxControl } from './support/sequel247-sandbox.js';
import { SseClient } from './support/sse-client.js';
import {
  createProduct,
  listen,
  manualDocket,
  placeOrder,
  ship,
  syncNow,
  type OrderRef,
} from './support/store.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Public tracking without login, over HTTP against the Sequel247 sandbox: lookup by order or
 * docket number plus email, the signed link (JSON, SSE and the shopper's HTML page), and what
 * they refuse.
 */
const TOKEN = 'cafe00cafe00cafe00cafe00cafe00ca';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const URL_TEMPLATE = 'https://shop.example.in/orders/track/{token}?utm=docket';

interface Parcel {
  orderNumber: string;
  orderStatus: string;
  items: Array<{ name: string }>;
  trackingInfo: {
    hasTracking: boolean;
    docketNumber: string | null;
    courierService: string | null;
    status: string | null;
    estimatedDelivery: string | null;
    trackingHistory: Array<{ status: string | null; description: string; location: string | null }>;
  };
}

describe('public tracking', () => {
  let sandbox: Sequel247Sandbox;
  let control: SandboxControl;
  let t: TestApp;
  let base: string;
  let admin: TestUser;
  let customer: TestUser;
  let productId: string;
  let shipped: { order: OrderRef; docket: string; token: string };
  const clients: SseClient[] = [];

  /** Each test looks up from its own client IP (the app trusts X-Forwarded-For from loopback). */
  let ipCounter = 0;
  const freshIp = () => `198.51.100.${++ipCounter}`;

  async function addScan(docket: string, code: string, at: Date, location: string) {
    const ist = new Date(at.getTime() + 330 * 60_000).toISOString().replace('T', ' ').slice(0, 19);
    await control.addScan(docket, { code, dateTime: ist, location, description: `Scan ${code}` });
  }

  async function tokenOf(orderId: string, user: TestUser): Promise<string> {
    const res = await t.http().get(`/api/orders/${orderId}`).set(bearer(user));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const url = res.body.data.trackingInfo.trackingUrl as string;
    expect(url.startsWith('https://shop.example.in/orders/track/')).toBe(true);
    expect(url.endsWith('?utm=docket')).toBe(true);
    return url.slice('https://shop.example.in/orders/track/'.length, -'?utm=docket'.length);
  }

  beforeAll(async () => {
    sandbox = await startSequel247Sandbox({ seed: 21, token: TOKEN, timeScale: 0 });
    control = new SandboxControl(sandbox.controlUrl);
    t = await createTestApp({
      env: {
        SEQUEL247_BASE_URL: sandbox.url,
        SEQUEL247_TOKEN: TOKEN,
        SEQUEL247_RETRIES: '0',
        OUTBOX_POLL_MS: '100',
        OUTBOX_STABILITY_MS: '400',
        EMAIL_ENABLED: 'false',
        PUBLIC_TRACKING_URL_TEMPLATE: URL_TEMPLATE,
        PUBLIC_TRACKING_IP_LIMIT: '20',
        PUBLIC_TRACKING_ORDER_LIMIT: '8',
      },
    });
    base = await listen(t);
    admin = await createAdmin(t);
    customer = await registerCustomer(t);
    productId = await createProduct(t, admin);

    const order = await placeOrder(t, customer, productId);
    const docket = await manualDocket(control);
    const t0 = Date.now() - 10 * HOUR;
    await addScan(docket, 'SCREATED', new Date(t0), 'BANGALORE');
    await addScan(docket, 'SPU', new Date(t0 + HOUR), 'KORAMANGALA HUB, BANGALORE 560034');
    await ship(t, admin, order.id, docket);
    await addScan(docket, 'SLINREC', new Date(t0 + 2 * HOUR), 'BHIWANDI GATEWAY, MUMBAI 421302');
    await syncNow(t, admin, [docket]);
    shipped = { order, docket, token: await tokenOf(order.id, customer) };
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    await t?.close();
    await sandbox?.stop();
  });

  function expectRedacted(body: unknown, order: OrderRef) {
    const text = JSON.stringify(body);
    for (const secret of [
      ADDRESS.phone,
      ADDRESS.line1,
      ADDRESS.pincode,
      order.id,
      customer.user.id,
      customer.user.email,
      'Paise',
      '560034',
      'KORAMANGALA',
      '421302',
    ]) {
      expect(text, `must not contain ${secret}`).not.toContain(secret);
    }
  }

  it('shows the redacted parcel for the order number and its email, with city-level scan places', async () => {
    const res = await t
      .http()
      .get(`/api/track/${shipped.order.orderNumber}`)
      .query({ email: customer.user.email.toUpperCase() })
      .set('X-Forwarded-For', freshIp());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const parcel = res.body.data as Parcel;
    expect(parcel).toMatchObject({
      orderNumber: shipped.order.orderNumber,
      orderStatus: 'shipped',
      items: [{ name: '18K Gold Solitaire Ring' }],
      trackingInfo: {
        hasTracking: true,
        docketNumber: shipped.docket,
        courierService: 'Sequel247',
        status: 'ON_THE_ROAD',
      },
    });
    expect(Object.keys(parcel).sort()).toEqual([
      'items',
      'orderNumber',
      'orderStatus',
      'trackingInfo',
    ]);
    expect(Object.keys(parcel.items[0])).toEqual(['name']);
    expect(parcel.trackingInfo.trackingHistory.map((s) => s.location)).toEqual([
      'Bangalore',
      'Bangalore',
      'Mumbai',
    ]);
    expectRedacted(res.body, shipped.order);
  });

  it('finds the same parcel by docket number instead of order number', async () => {
    const byDocket = await t
      .http()
      .get(`/api/track/${shipped.docket}`)
      .query({ email: customer.user.email })
      .set('X-Forwarded-For', freshIp());
    expect(byDocket.status, JSON.stringify(byDocket.body)).toBe(200);
    expect((byDocket.body.data as Parcel).orderNumber).toBe(shipped.order.orderNumber);
    expectRedacted(byDocket.body, shipped.order);
  });

  it('answers a wrong email and an unknown order with the same 404 in about the same time', async () => {
    const ask = (ref: string, email: string) =>
      t.http().get(`/api/track/${ref}`).query({ email }).set('X-Forwarded-For', freshIp());
    // An order of its own: the per-order limit (8 here) must not kick in.
    const timed = await placeOrder(t, customer, productId);
    const wrongEmail = await ask(timed.orderNumber, 'someone.else@example.in');
    const unknownOrder = await ask('DKT-990101-ABCDEF', customer.user.email);
    const unknownDocket = await ask('0000000001', customer.user.email);
    expect(wrongEmail.status).toBe(404);
    expect(unknownOrder.status).toBe(404);
    expect(unknownDocket.status).toBe(404);
    expect(wrongEmail.body).toEqual(unknownOrder.body);
    expect(unknownDocket.body).toEqual(unknownOrder.body);
    expect(wrongEmail.body.error.code).toBe('PARCEL_NOT_FOUND');

    // Interleaved timings: the medians must be close (same work: one lookup, one comparison).
    const timings = { wrong: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 7; i++) {
      for (const [kind, ref, email] of [
        ['wrong', timed.orderNumber, `nobody${i}@example.in`],
        ['unknown', `DKT-990101-ABCDE${i}`, customer.user.email],
      ] as const) {
        const started = performance.now();
        const res = await t
          .http()
          .get(`/api/track/${ref}`)
          .query({ email })
          .set('X-Forwarded-For', freshIp());
        timings[kind].push(performance.now() - started);
        expect(res.status).toBe(404);
      }
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    const [wrong, unknown] = [median(timings.wrong), median(timings.unknown)];
    expect(Math.abs(wrong - unknown), `wrong ${wrong} ms, unknown ${unknown} ms`).toBeLessThan(
      Math.max(wrong, unknown) * 0.5 + 15,
    );
  });

  it('refuses malformed numbers and a missing email with 400s that name the problem', async () => {
    const badRef = await t
      .http()
      .get('/api/track/not-an-order')
      .query({ email: customer.user.email })
      .set('X-Forwarded-For', freshIp());
    expect(badRef.status).toBe(400);
    expect(badRef.body.error.message).toMatch(/order number|docket/);
    const noEmail = await t
      .http()
      .get(`/api/track/${shipped.order.orderNumber}`)
      .set('X-Forwarded-For', freshIp());
    expect(noEmail.status).toBe(400);
    expect(noEmail.body.error.message).toMatch(/email/);
  });

  it('limits lookups per order number across IPs, and per IP across orders, with Retry-After', async () => {
    const other = await placeOrder(t, customer, productId);
    const statuses: number[] = [];
    let limited: { headers: Record<string, string>; body: { error: { code: string } } } | null =
      null;
    for (let i = 0; i < 9; i++) {
      const res = await t
        .http()
        .get(`/api/track/${other.orderNumber}`)
        .query({ email: `guess${i}@example.in` })
        .set('X-Forwarded-For', freshIp());
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses.slice(0, 8).every((s) => s === 404)).toBe(true);
    expect(statuses[8]).toBe(429);
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited!.body.error.code).toBe('TOO_MANY_LOOKUPS');

    const ip = freshIp();
    const perIp: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await t
        .http()
        .get(`/api/track/DKT-990102-ABC${String(i).padStart(3, '0')}`)
        .query({ email: customer.user.email })
        .set('X-Forwarded-For', ip);
      perIp.push(res.status);
    }
    expect(perIp.slice(0, 20).every((s) => s === 404)).toBe(true);
    expect(perIp[20]).toBe(429);
  });

  it('puts a signed link in trackingInfo.trackingUrl that shows the same parcel without an email', async () => {
    const res = await t.http().get(`/api/track/t/${shipped.token}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const lookup = await t
      .http()
      .get(`/api/track/${shipped.order.orderNumber}`)
      .query({ email: customer.user.email })
      .set('X-Forwarded-For', freshIp());
    expect(res.body.data).toEqual(lookup.body.data);
    expectRedacted(res.body, shipped.order);
  });

  it('refuses forged links with 404 and expired ones with 410', async () => {
    const [payload, mac] = shipped.token.split('.');
    const flipped = `${payload}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
    const forged = await t.http().get(`/api/track/t/${flipped}`);
    expect(forged.status).toBe(404);
    expect(forged.body.error.code).toBe('TRACKING_LINK_INVALID');
    const garbage = await t.http().get('/api/track/t/hello');
    expect(garbage.status).toBe(404);

    const signer = t.app.get(TrackingLinkSigner);
    const expired = signer.sign(shipped.order.id, new Date(Date.now() - 91 * DAY));
    const old = await t.http().get(`/api/track/t/${expired}`);
    expect(old.status).toBe(410);
    expect(old.body.error.code).toBe('TRACKING_LINK_EXPIRED');
    // Still valid the day before the 90 days are up.
    const fresh = signer.sign(shipped.order.id, new Date(Date.now() - 89 * DAY));
    expect((await t.http().get(`/api/track/t/${fresh}`)).status).toBe(200);
  });

  it('streams the parcel over SSE for a signed link, with each new scan as it is synced', async () => {
    const order = await placeOrder(t, customer, productId);
    const docket = await manualDocket(control);
    const t0 = Date.now() - 5 * HOUR;
    await addScan(docket, 'SPU', new Date(t0), 'PUNE');
    await ship(t, admin, order.id, docket);
    const token = await tokenOf(order.id, customer);

    const live = await SseClient.open(`${base}/api/track/t/${token}/events`);
    clients.push(live);
    expect(live.status, live.errorBody).toBe(200);
    await live.waitForEvents(1);
    expect(live.events[0].event).toBe('parcel');
    expect(live.events[0].json<Parcel>().orderNumber).toBe(order.orderNumber);

    await addScan(docket, 'SLINREC', new Date(t0 + HOUR), 'NAGPUR HUB, NAGPUR 440001');
    await syncNow(t, admin, [docket]);
    await live.until(
      (c) =>
        c.events.some((e) =>
          e.json<Parcel>().trackingInfo.trackingHistory.some((s) => s.location === 'Nagpur'),
        ),
      10_000,
      'the Nagpur scan',
    );
    const update = live.events.find((e) => e.id !== null)!;
    expect(update.event).toBe('parcel');
    expectRedacted(update.json(), order);

    const refused = await SseClient.open(`${base}/api/track/t/${token.slice(0, -2)}xx/events`);
    expect(refused.status).toBe(404);
  });

  it('serves the shopper a small HTML page for the link, and friendly pages for bad links', async () => {
    const page = await fetch(`${base}/track/t/${shipped.token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'nonce-/);
    const html = await page.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('name="viewport"');
    expect(html).toContain(shipped.order.orderNumber);
    expect(html).toContain(shipped.docket);
    expect(html).toContain('In transit');
    expect(html).toContain('Mumbai');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[a-z]/i);
    expect(html).not.toContain(ADDRESS.phone);

    const [payload, mac] = shipped.token.split('.');
    const forged = await fetch(`${base}/track/t/${payload}.${mac.split('').reverse().join('')}`);
    expect(forged.status).toBe(404);
    expect(await forged.text()).toContain('We could not find this parcel');
    const expired = t.app
      .get(TrackingLinkSigner)
      .sign(shipped.order.id, new Date(Date.now() - 100 * DAY));
    const gone = await fetch(`${base}/track/t/${expired}`);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('This tracking link has expired');
  });
});
