import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevMail, type DevMailSink, startDevMailSink } from '../src/dev/mail/dev-mail-sink.js';
import { MetricsService } from '../src/metrics/metrics.service.js';
import { positionAt } from '../src/notifications/outbox/outbox-position.js';
import { OutboxRelay } from '../src/notifications/outbox/outbox-relay.service.js';
import {
  Sequel247Sandbox,
  startSequel247Sandbox,
} from '../src/dev/sequel247-sandbox/sequel247-sandbox.js';
import { bearer, createAdmin, registerCustomer, type TestUser } from './support/auth.js';
import { SandboxControl } from './support/sequel247-sandbox.js';
import { onQuery, type LoggedQuery } from './support/query-log.js';
import { createProduct, manualDocket, placeOrder, scan, ship, syncNow } from './support/store.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Customer email end to end: the app's real nodemailer transport talks SMTP to the development
 * sink on loopback; the sandbox moves shipments over HTTP. Two app instances share one database
 * and both run senders, so "one email per milestone" also pins the leasing.
 */
const TOKEN = 'a11ce0a11ce0a11ce0a11ce0a11ce0a1';
const HOUR = 3_600_000;

/**
 * `docket_notifications_total{channel="email",outcome}` of one instance, as Prometheus reads it
 * (this metric only: the scrape's tracking-backlog gauges are another module's).
 */
async function emailsCounted(t: TestApp, outcome: string): Promise<number> {
  const text = await t.app
    .get(MetricsService)
    .registry.getSingleMetricAsString('docket_notifications_total');
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`docket_notifications_total{channel="email",outcome="${outcome}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

const fastEnv = (sandbox: Sequel247Sandbox, smtpUrl: string) => ({
  SEQUEL247_BASE_URL: sandbox.url,
  SEQUEL247_TOKEN: TOKEN,
  SEQUEL247_RETRIES: '0',
  OUTBOX_POLL_MS: '100',
  OUTBOX_STABILITY_MS: '300',
  EMAIL_POLL_MS: '100',
  EMAIL_RETRY_BASE_MS: '50',
  EMAIL_ENABLED: 'true',
  SMTP_URL: smtpUrl,
});

/** A list route's items (`data` is the array). */
function itemsOf<T>(body: { data: T[] }): T[] {
  return body.data;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('customer email over SMTP', () => {
  let sandbox: Sequel247Sandbox;
  let control: SandboxControl;
  let sink: DevMailSink;
  let a: TestApp;
  let b: TestApp;
  let admin: TestUser;
  let productId: string;

  const mailsTo = (user: TestUser) => sink.messages().filter((m) => m.to.includes(user.user.email));

  beforeAll(async () => {
    sandbox = await startSequel247Sandbox({ seed: 9, token: TOKEN, timeScale: 0 });
    control = new SandboxControl(sandbox.controlUrl);
    sink = await startDevMailSink({ port: 0 });
    a = await createTestApp({ env: fastEnv(sandbox, sink.url) });
    b = await createTestApp({ env: fastEnv(sandbox, sink.url), databaseName: a.databaseName });
    admin = await createAdmin(a);
    productId = await createProduct(a, admin);
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await sink?.stop();
    await sandbox?.stop();
  });

  it('sends exactly one email per milestone (shipped, out for delivery, delivered), in English, text and HTML, with the order, items, status, ETA and tracking link', async () => {
    const customer = await registerCustomer(a, { firstName: 'Meera' });
    const order = await placeOrder(a, customer, productId);
    const docket = await manualDocket(control);
    const t0 = Date.now() - 10 * HOUR;
    await scan(control, docket, 'SCREATED', new Date(t0));
    await scan(control, docket, 'SPU', new Date(t0 + HOUR));
    await ship(a, admin, order.id, docket);
    const shipped = await sink.waitFor(
      (m) => m.to.includes(customer.user.email) && /has shipped/.test(m.subject),
    );

    await scan(control, docket, 'SLINREC', new Date(t0 + 2 * HOUR));
    await syncNow(a, admin, [docket]);
    await scan(control, docket, 'SDELASN', new Date(t0 + 3 * HOUR));
    await syncNow(b, admin, [docket]);
    await sink.waitFor(
      (m) => m.to.includes(customer.user.email) && /out for delivery/.test(m.subject),
    );
    await scan(control, docket, 'SDELVD', new Date(t0 + 4 * HOUR));
    await syncNow(a, admin, [docket]);
    await sink.waitFor(
      (m) => m.to.includes(customer.user.email) && /has been delivered/.test(m.subject),
    );
    // Both instances keep polling; nothing more may arrive.
    await sleep(1_500);

    const subjects = mailsTo(customer)
      .map((m) => m.subject)
      .sort();
    expect(subjects).toEqual(
      [
        `Your order ${order.orderNumber} has been delivered`,
        `Your order ${order.orderNumber} has shipped`,
        `Your order ${order.orderNumber} is out for delivery`,
      ].sort(),
    );
    const keys = mailsTo(customer).map((m) => m.headers['x-docket-idempotency-key']);
    expect(new Set(keys).size).toBe(3);
    // Prometheus counts what each instance sent (this file's earlier sends are none).
    expect((await emailsCounted(a, 'sent')) + (await emailsCounted(b, 'sent'))).toBe(3);

    expect(shipped.text).toContain(order.orderNumber);
    expect(shipped.text).toContain('18K Gold Solitaire Ring × 1');
    expect(shipped.text).toContain('Status: Shipped');
    expect(shipped.text).toContain(`docket ${docket}`);
    expect(shipped.text).toMatch(/Estimated delivery: \w{3}, \d{1,2} \w{3},? \d{4}/);
    const view = await a.http().get(`/api/orders/${order.id}`).set(bearer(customer));
    // The order's signed public tracking page (the same link every time it is signed that day).
    const trackingUrl = view.body.data.trackingInfo.trackingUrl as string;
    expect(trackingUrl).toMatch(/\/track\/t\//);
    expect(shipped.text).toContain(`Track your parcel: ${trackingUrl}`);
    expect(shipped.html).toContain(trackingUrl.replace(/&/g, '&amp;'));
    expect(shipped.html).toContain('<h1 style="font-size:22px">Your order is on its way</h1>');
    expect(shipped.html).toContain(order.orderNumber);

    const listed = await a
      .http()
      .get(`/api/notifications/admin/emails?orderNumber=${order.orderNumber}`)
      .set(bearer(admin));
    expect(listed.status).toBe(200);
    expect(itemsOf<{ status: string }>(listed.body).map((m) => m.status)).toEqual([
      'sent',
      'sent',
      'sent',
    ]);
  });

  it('honours the customer opting out of email at send time', async () => {
    const customer = await registerCustomer(a);
    const bad = await a
      .http()
      .patch('/api/users/me')
      .set(bearer(customer))
      .send({ notifications: { email: 'no' } });
    expect(bad.status).toBe(400);
    const optOut = await a
      .http()
      .patch('/api/users/me')
      .set(bearer(customer))
      .send({ notifications: { email: false } });
    expect(optOut.status, JSON.stringify(optOut.body)).toBe(200);
    expect(optOut.body.data.notifications).toEqual({ email: false });

    const order = await placeOrder(a, customer, productId);
    const cancelled = await a.http().post(`/api/orders/${order.id}/cancel`).set(bearer(customer));
    expect(cancelled.status).toBe(200);
    let listed: { status: string; lastError: string }[] = [];
    for (let i = 0; i < 50 && listed.length === 0; i++) {
      await sleep(200);
      const res = await a
        .http()
        .get(`/api/notifications/admin/emails?orderNumber=${order.orderNumber}&status=skipped`)
        .set(bearer(admin));
      listed = itemsOf(res.body);
    }
    expect(listed).toEqual([
      expect.objectContaining({ status: 'skipped', lastError: 'Customer opted out of email' }),
    ]);
    expect(mailsTo(customer)).toEqual([]);
  });
});

describe('email retries, dead letters and crash safety', () => {
  let sandbox: Sequel247Sandbox;
  let sink: DevMailSink;
  let smtpPort: number;
  let t: TestApp;
  let admin: TestUser;
  let productId: string;

  const env = () => ({
    ...fastEnv(sandbox, `smtp://127.0.0.1:${smtpPort}`),
    EMAIL_MAX_ATTEMPTS: '3',
  });

  beforeAll(async () => {
    sandbox = await startSequel247Sandbox({ seed: 10, token: TOKEN, timeScale: 0 });
    sink = await startDevMailSink({ port: 0 });
    smtpPort = sink.port;
    t = await createTestApp({ env: env() });
    admin = await createAdmin(t);
    productId = await createProduct(t, admin);
  });

  afterAll(async () => {
    await t?.close();
    await sink?.stop();
    await sandbox?.stop();
  });

  async function cancelledOrder(customer: TestUser) {
    const order = await placeOrder(t, customer, productId);
    const res = await t.http().post(`/api/orders/${order.id}/cancel`).set(bearer(customer));
    expect(res.status).toBe(200);
    return order;
  }

  async function emailsOf(orderNumber: string, app = t) {
    const res = await app
      .http()
      .get(`/api/notifications/admin/emails?orderNumber=${orderNumber}`)
      .set(bearer(admin));
    expect(res.status).toBe(200);
    return itemsOf<{ id: string; status: string; attempts: number }>(res.body);
  }

  it('retries with backoff while SMTP is down, ends in the dead letters, and an admin retry sends it once', async () => {
    await sink.stop(); // SMTP down: connections refused
    const customer = await registerCustomer(t);
    const order = await cancelledOrder(customer);
    let emails: Awaited<ReturnType<typeof emailsOf>> = [];
    for (let i = 0; i < 100 && emails[0]?.status !== 'dead'; i++) {
      await sleep(200);
      emails = await emailsOf(order.orderNumber);
    }
    expect(emails).toEqual([expect.objectContaining({ status: 'dead', attempts: 3 })]);
    const dead = await t
      .http()
      .get('/api/notifications/admin/emails?status=dead')
      .set(bearer(admin));
    expect(itemsOf<{ id: string }>(dead.body).map((m) => m.id)).toContain(emails[0].id);
    const counts = await t.http().get('/api/notifications/admin/counts').set(bearer(admin));
    expect(counts.body.data.email.dead).toBeGreaterThanOrEqual(1);
    expect(counts.body.data.email.retried).toBeGreaterThanOrEqual(2);

    sink = await startDevMailSink({ port: smtpPort }); // SMTP back
    const retried = await t
      .http()
      .post(`/api/notifications/admin/emails/${encodeURIComponent(emails[0].id)}/retry`)
      .set(bearer(admin));
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    const mail = await sink.waitFor((m: DevMail) => m.to.includes(customer.user.email));
    expect(mail.subject).toBe(`Your order ${order.orderNumber} has been cancelled`);
    await sleep(800);
    expect(sink.messages().filter((m) => m.to.includes(customer.user.email))).toHaveLength(1);
    const again = await t
      .http()
      .post(`/api/notifications/admin/emails/${encodeURIComponent(emails[0].id)}/retry`)
      .set(bearer(admin));
    expect(again.status).toBe(409);
  });

  it('catches up from a checkpoint hours old through the empty gap by bucket, sending each email once', async () => {
    const first = await registerCustomer(t);
    await cancelledOrder(first);
    await sink.waitFor((m) => m.to.includes(first.user.email));

    // An instance without email makes the next change; the email consumer is hours behind.
    const databaseName = t.databaseName;
    await t.close();
    t = await createTestApp({ env: { ...env(), EMAIL_ENABLED: 'false' }, databaseName });
    const second = await registerCustomer(t);
    const missed = await cancelledOrder(second);
    for (let i = 0; i < 50; i++) {
      if (await t.db.collection('outbox').countDocuments({ orderNumber: missed.orderNumber }))
        break;
      await sleep(100);
    }
    await t.db
      .collection('outbox_checkpoints')
      .updateOne(
        { _id: 'email' as never },
        { $set: { position: positionAt(Date.now() - 3 * HOUR) } },
      );
    await t.close();

    const queries: LoggedQuery[] = [];
    const stop = onQuery((q) => queries.push(q));
    try {
      t = await createTestApp({ env: env(), databaseName });
      const mail = await sink.waitFor((m) => m.to.includes(second.user.email));
      expect(mail.subject).toBe(`Your order ${missed.orderNumber} has been cancelled`);
      await sleep(800);
    } finally {
      stop();
    }
    expect(sink.messages().filter((m) => m.to.includes(first.user.email))).toHaveLength(1);
    expect(sink.messages().filter((m) => m.to.includes(second.user.email))).toHaveLength(1);
    // The gap was walked one directory read per hour, never by a range over the outbox.
    const hours = queries.filter((q) => q.collection === 'outbox_buckets' && q.method === 'find');
    expect(hours.length).toBeGreaterThanOrEqual(3);
    const outboxFilters = queries
      .filter((q) => q.collection === 'outbox' && q.method === 'find')
      .map((q) => JSON.stringify(q.args[0]));
    expect(outboxFilters.filter((f) => f.includes('$gt') || f.includes('$lt'))).toEqual([]);
  });

  for (const point of ['before-append', 'before-clear'] as const) {
    it(`loses nothing and duplicates nothing when the process dies ${point.replace('-', ' ')} of the outbox relay`, async () => {
      t.app.get(OutboxRelay).interruption = point;
      const customer = await registerCustomer(t);
      const order = await cancelledOrder(customer);
      await sleep(300);

      // The change and its record were written together; the relay "died" part way.
      const stored = await t.db.collection('orders').findOne({ orderNumber: order.orderNumber });
      const pending = (stored?.outbox ?? []) as Array<{ key: string; type: string }>;
      expect(stored?.status).toBe('cancelled');
      const record = pending.find((e) => e.type === 'order.status_changed');
      expect(record).toBeDefined();
      const relayed = await t.db.collection('outbox').countDocuments({ key: record!.key });
      expect(relayed).toBe(point === 'before-append' ? 0 : 1);

      // Restart: a new process on the same database. Its boot repair completes the relay.
      const databaseName = t.databaseName;
      await t.close();
      t = await createTestApp({ env: env(), databaseName });
      const after = await t.db.collection('orders').findOne({ orderNumber: order.orderNumber });
      expect(after?.outbox).toEqual([]);
      expect(await t.db.collection('outbox').countDocuments({ key: record!.key })).toBe(1);
      const mail = await sink.waitFor((m) => m.to.includes(customer.user.email));
      expect(mail.subject).toBe(`Your order ${order.orderNumber} has been cancelled`);
      await sleep(800);
      expect(sink.messages().filter((m) => m.to.includes(customer.user.email))).toHaveLength(1);
    });
  }
});
