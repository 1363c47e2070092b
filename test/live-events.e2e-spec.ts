import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  Sequel247Sandbox,
  startSequel247Sandbox,
} from '../src/dev/sequel247-sandbox/sequel247-sandbox.js';
import { bearer, createAdmin, registerCustomer, type TestUser } from './support/auth.js';
import { SandboxControl } from './support/sequel247-sandbox.js';
import { SseClient, type SseEvent } from './support/sse-client.js';
import {
  createProduct,
  listen,
  manualDocket,
  placeOrder,
  scan,
  ship,
  syncNow,
} from './support/store.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Live streams end to end: two app instances on one database, the Sequel247 sandbox over HTTP,
 * and a real SSE client on loopback. Changes are made through instance A (ship, sync passes);
 * streams are held on instance B, so every event crosses instances through the outbox.
 */
const TOKEN = 'feed00feed00feed00feed00feed00fe';
const HOUR = 3_600_000;
/** Poll + stability horizon of the outbox feed below, plus slack for a busy machine. */
const TICK_MS = 8_000;

interface LiveData {
  type: string;
  orderId: string;
  orderNumber: string;
  orderStatus: string;
  trackingInfo: { status: string | null; docketNumber: string | null };
  change: { to?: string; status?: string };
}

const data = (e: SseEvent) => e.json<LiveData>();
/** A compact label per event: `order:shipped`, `scan:ON_THE_ROAD`. */
const label = (e: SseEvent) => {
  const d = data(e);
  return d.type === 'order.status_changed' ? `order:${d.change.to}` : `scan:${d.change.status}`;
};

describe('live order events (SSE) across two instances', () => {
  let sandbox: Sequel247Sandbox;
  let control: SandboxControl;
  let a: TestApp;
  let b: TestApp;
  let urlB: string;
  let admin: TestUser;
  let productId: string;
  const clients: SseClient[] = [];

  const env = () => ({
    SEQUEL247_BASE_URL: sandbox.url,
    SEQUEL247_TOKEN: TOKEN,
    SEQUEL247_RETRIES: '0',
    OUTBOX_POLL_MS: '100',
    OUTBOX_STABILITY_MS: '400',
    LIVE_HEARTBEAT_SECONDS: '1',
    EMAIL_ENABLED: 'false',
  });

  async function stream(user: TestUser, headers: Record<string, string> = {}, base = urlB) {
    const client = await SseClient.open(`${base}/api/orders/my/events`, {
      ...bearer(user),
      ...headers,
    });
    expect(client.status, client.errorBody).toBe(200);
    clients.push(client);
    return client;
  }

  /** A shipped order of `customer`, its docket carrying the pickup scans. */
  async function shippedOrder(customer: TestUser) {
    const order = await placeOrder(a, customer, productId);
    const docket = await manualDocket(control);
    const t0 = Date.now() - 10 * HOUR;
    await scan(control, docket, 'SCREATED', new Date(t0));
    await scan(control, docket, 'SPU', new Date(t0 + HOUR));
    await ship(a, admin, order.id, docket);
    return { order, docket, t0 };
  }

  beforeAll(async () => {
    sandbox = await startSequel247Sandbox({ seed: 7, token: TOKEN, timeScale: 0 });
    control = new SandboxControl(sandbox.controlUrl);
    a = await createTestApp({ env: env() });
    b = await createTestApp({ env: env(), databaseName: a.databaseName });
    urlB = await listen(b);
    admin = await createAdmin(a);
    productId = await createProduct(a, admin);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await sandbox?.stop();
  });

  it("delivers shipped, in-transit, out-for-delivery and delivered to the customer's stream in order, each within one tick of the sync that saw it", async () => {
    const customer = await registerCustomer(a);
    const live = await stream(customer);
    const { order, docket, t0 } = await shippedOrder(customer);

    await live.until((c) => c.events.some((e) => label(e) === 'order:shipped'), TICK_MS, 'shipped');
    const milestones: Array<[string, string]> = [
      ['SLINREC', 'scan:ON_THE_ROAD'],
      ['SDELASN', 'scan:OUT_FOR_DELIVERY'],
      ['SDELVD', 'scan:DELIVERED'],
    ];
    let at = t0 + 2 * HOUR;
    for (const [code, expected] of milestones) {
      await scan(control, docket, code, new Date((at += HOUR)));
      await syncNow(a, admin, [docket]);
      await live.until((c) => c.events.some((e) => label(e) === expected), TICK_MS, expected);
    }
    await live.until((c) => c.events.some((e) => label(e) === 'order:delivered'), TICK_MS);

    const labels = live.events.map(label);
    const milestoneOrder = [
      'order:shipped',
      'scan:ON_THE_ROAD',
      'scan:OUT_FOR_DELIVERY',
      'scan:DELIVERED',
    ].map((l) => labels.indexOf(l));
    expect(milestoneOrder.every((i) => i >= 0)).toBe(true);
    expect([...milestoneOrder].sort((x, y) => x - y)).toEqual(milestoneOrder);
    // Event ids strictly increase, every event is about this order, shaped like the order view.
    const ids = live.events.map((e) => e.id!);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const last = data(live.events[live.events.length - 1]);
    expect(last).toMatchObject({ orderId: order.id, orderNumber: order.orderNumber });
    const delivered = live.events.find((e) => label(e) === 'scan:DELIVERED')!;
    expect(data(delivered).trackingInfo).toMatchObject({ docketNumber: docket });
    expect(live.comments).toContain('heartbeat');
    // Every record was relayed and cleared by the write that follows it: the order's entries by
    // the relay, the tracking's by the sync itself (no repair pass needed).
    const storedOrder = await a.db
      .collection('orders')
      .findOne({ orderNumber: order.orderNumber }, { projection: { outbox: 1 } });
    expect(storedOrder?.outbox).toEqual([]);
    const storedTracking = await a.db
      .collection<{ _id: string; outbox?: unknown[]; outboxPending?: boolean }>('trackings')
      .findOne({ _id: docket }, { projection: { outbox: 1, outboxPending: 1 } });
    expect(storedTracking?.outbox).toEqual([]);
    expect(storedTracking?.outboxPending).toBeUndefined();
    expect(
      await a.db
        .collection('outbox')
        .countDocuments({ orderId: order.id, type: 'shipment.created' }),
    ).toBe(1);
  });

  it('replays exactly the missed events, in order, to a client reconnecting with Last-Event-ID', async () => {
    const customer = await registerCustomer(a);
    const reference = await stream(customer);
    const first = await stream(customer);
    const { docket, t0 } = await shippedOrder(customer);
    await first.until((c) => c.events.some((e) => label(e) === 'order:shipped'), TICK_MS);
    await first.close();
    const resumeAfter = first.lastEventId!;
    const seenBefore = first.events.map((e) => e.id);

    await scan(control, docket, 'SLINREC', new Date(t0 + 3 * HOUR));
    await syncNow(a, admin, [docket]);
    await scan(control, docket, 'SDELASN', new Date(t0 + 4 * HOUR));
    await syncNow(a, admin, [docket]);
    await reference.until(
      (c) => c.events.some((e) => label(e) === 'scan:OUT_FOR_DELIVERY'),
      TICK_MS,
    );

    // Let the reference stream settle: it holds everything that happened.
    let settled = -1;
    while (settled !== reference.events.length) {
      settled = reference.events.length;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const resumed = await stream(customer, { 'last-event-id': resumeAfter });
    const missed = reference.events.filter((e) => e.id! > resumeAfter);
    await resumed.waitForEvents(missed.length, TICK_MS);
    // Give a duplicate the chance to show up.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(resumed.events.map((e) => e.id)).toEqual(missed.map((e) => e.id));
    expect(resumed.events.some((e) => seenBefore.includes(e.id))).toBe(false);
  });

  it("sends each customer only their own orders' events", async () => {
    const asha = await registerCustomer(a);
    const ravi = await registerCustomer(a);
    const ashaLive = await stream(asha);
    const raviLive = await stream(ravi);
    const ashas = await shippedOrder(asha);
    const ravis = await shippedOrder(ravi);
    await ashaLive.until((c) => c.events.some((e) => label(e) === 'order:shipped'), TICK_MS);
    await raviLive.until((c) => c.events.some((e) => label(e) === 'order:shipped'), TICK_MS);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(ashaLive.events.map((e) => data(e).orderId)).toSatisfy((ids: string[]) =>
      ids.every((id) => id === ashas.order.id),
    );
    expect(raviLive.events.map((e) => data(e).orderId)).toSatisfy((ids: string[]) =>
      ids.every((id) => id === ravis.order.id),
    );
  });

  it('accepts a one-use stream token in the query (for EventSource) and refuses it a second time', async () => {
    const customer = await registerCustomer(a);
    // Issued by instance A, redeemed on instance B.
    const issued = await a.http().post('/api/orders/my/events/token').set(bearer(customer));
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    const token = issued.body.data.token as string;
    const url = `${urlB}/api/orders/my/events?token=${encodeURIComponent(token)}`;

    const live = await SseClient.open(url);
    clients.push(live);
    expect(live.status).toBe(200);
    await shippedOrder(customer);
    await live.until((c) => c.events.some((e) => label(e) === 'order:shipped'), TICK_MS);

    const again = await SseClient.open(url);
    expect(again.status).toBe(401);
    expect(JSON.parse(again.errorBody)).toMatchObject({ success: false });
    const anonymous = await SseClient.open(`${urlB}/api/orders/my/events`);
    expect(anonymous.status).toBe(401);
  });

  it('streams every shipment change to admins on the ops stream, and refuses customers', async () => {
    const customer = await registerCustomer(a);
    const ops = await SseClient.open(`${urlB}/api/tracking/admin/events`, bearer(admin));
    clients.push(ops);
    expect(ops.status).toBe(200);
    const denied = await SseClient.open(`${urlB}/api/tracking/admin/events`, bearer(customer));
    expect(denied.status).toBe(403);

    const { docket } = await shippedOrder(customer);
    await ops.until(
      (c) =>
        c.events.some(
          (e) =>
            data(e).type === 'shipment.created' && data(e).trackingInfo.docketNumber === docket,
        ),
      TICK_MS,
      'shipment.created',
    );
    expect(ops.events.every((e) => data(e).type.startsWith('shipment.'))).toBe(true);
  });
});
