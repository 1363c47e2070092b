import path from 'node:path';
import mongoose from 'mongoose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DevMailSink, startDevMailSink } from '../src/dev/mail/dev-mail-sink.js';
import { bearer, createAdmin, registerCustomer, type TestUser } from './support/auth.js';
import { compiledSources, freePort, spawnNode, type NodeChild } from './support/child-process.js';
import { ordersOutboxSettled } from './support/outbox.js';
import { createProduct, placeOrder, type OrderRef } from './support/store.js';
import { BASE_TEST_ENV, type TestApp, uniqueDatabaseName } from './support/test-app.js';

const { ObjectId } = mongoose.mongo;
/** Orders changed at once in one burst: half cancelled (a milestone email), half processing. */
const ORDERS = 40;
/** Bursts tried before giving up on killing the service inside the crash window. */
const ATTEMPTS = 3;
/** Longer than OutboxFeed's late window (15 s) plus its stability horizon (1.5 s by default). */
const DOWNTIME_MS = 18_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Target = 'cancelled' | 'processing';
const targetOf = (i: number): Target => (i % 2 === 0 ? 'cancelled' : 'processing');

interface RoundOrder extends OrderRef {
  customer: TestUser;
  target: Target;
  /** The admin's request was answered 200 before the kill: the change was acknowledged. */
  acknowledged: boolean;
}

/** An outbox entry as it sits on an order, waiting for its relay. */
interface StoredEntry {
  key: string;
  type: string;
  docSeq: number;
  data: { from?: string; to?: string };
}

interface StoredOrder {
  _id: mongoose.mongo.ObjectId;
  status: string;
  statusHistory: Array<{ from: string | null; to: string }>;
  outbox?: StoredEntry[];
  outboxPending?: boolean;
}

/** A relayed record in the `outbox` collection. */
interface StoredRecord extends StoredEntry {
  orderId: string;
}

/** A change as its outbox record must describe it: the history entry `docSeq` of the order. */
const changesOf = (order: StoredOrder) =>
  order.statusHistory.slice(1).map((c, i) => ({ docSeq: i + 1, from: c.from, to: c.to }));

const describedChanges = (records: StoredEntry[]) =>
  records
    .filter((r) => r.type === 'order.status_changed')
    .map((r) => ({ docSeq: r.docSeq, from: r.data.from, to: r.data.to }))
    .sort((a, b) => a.docSeq - b.docSeq);

interface Service {
  node: NodeChild;
  api: Pick<TestApp, 'http' | 'db'>;
}

/**
 * Issue 10's outbox, proven with a real process death: the compiled service runs as a child
 * process with email on (SMTP to the development sink), an admin changes 40 orders at once over
 * HTTP, and the service is killed with SIGKILL as soon as the first answer arrives, while the
 * rest of the changes and their relays are in flight. A new process on the same database must
 * then relay exactly one record per stored change (none for a change that was not stored) and
 * mail each cancellation once.
 */
describe('the service killed with SIGKILL between order changes and their notifications', () => {
  let sink: DevMailSink;
  let client: mongoose.mongo.MongoClient;
  let db: mongoose.mongo.Db;
  /** Every service process started, killed at the end whatever happened (none may outlive us). */
  const started: NodeChild[] = [];
  const uriOf = (database: mongoose.mongo.Db) =>
    `${inject('mongoBaseUri').replace(/\/$/, '')}/${database.databaseName}`;

  beforeAll(async () => {
    sink = await startDevMailSink({ port: 0 });
    client = new mongoose.mongo.MongoClient(inject('mongoBaseUri'));
    await client.connect();
    db = client.db(uniqueDatabaseName('outboxcrash'));
  });

  afterAll(async () => {
    for (const node of started) node.child.kill('SIGKILL');
    await Promise.all(started.map((node) => node.exited));
    await client?.close();
    await sink?.stop();
  });

  async function startService(database = db): Promise<Service> {
    const sources = await compiledSources();
    const port = await freePort();
    const node = spawnNode([path.join(sources, 'main.js')], {
      ...BASE_TEST_ENV,
      PATH: process.env.PATH,
      PORT: String(port),
      LOG_LEVEL: 'info',
      MONGODB_URI: uriOf(database),
      EMAIL_ENABLED: 'true',
      SMTP_URL: sink.url,
      EMAIL_POLL_MS: '200',
      EMAIL_RETRY_BASE_MS: '200',
      // A send leased by the killed process is tried again soon after the restart.
      EMAIL_LEASE_MS: '5000',
    });
    started.push(node);
    await node.waitForLine(/Docket listening on/, 90_000);
    return { node, api: { http: () => request(`http://127.0.0.1:${port}`), db: database } };
  }

  /** Customers with one pending order each, every `order.created` already relayed. */
  async function prepareRound(api: Service['api'], productId: string): Promise<RoundOrder[]> {
    const orders: RoundOrder[] = [];
    for (let i = 0; i < ORDERS; i += 5) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(5, ORDERS - i) }, async (_, j) => {
          const customer = await registerCustomer(api);
          const order = await placeOrder(api, customer, productId);
          return { ...order, customer, target: targetOf(i + j), acknowledged: false };
        }),
      );
      orders.push(...batch);
    }
    await ordersOutboxSettled(api, 30_000);
    return orders;
  }

  /** Fires every order's change at once; SIGKILLs the service when the first answer arrives. */
  async function burstAndKill(target: Service, admin: TestUser, orders: RoundOrder[]) {
    let firstAnswer!: () => void;
    const answered = new Promise<void>((resolve) => (firstAnswer = resolve));
    const requests = orders.map((order) =>
      target.api
        .http()
        .patch(`/api/orders/admin/${order.id}/status`)
        .set(bearer(admin))
        .send({ status: order.target })
        .then(
          (res) => {
            firstAnswer();
            if (res.status === 200) order.acknowledged = true;
            return true;
          },
          // In flight when the process died: connection reset (or refused, if never sent).
          () => false,
        ),
    );
    // Should every request fail (the service died by itself), the kill finds it dead.
    void Promise.all(requests).then(() => firstAnswer());
    await answered;
    target.node.child.kill('SIGKILL');
    await target.node.exited;
    const outcomes = await Promise.all(requests);
    return outcomes.filter(Boolean).length;
  }

  const storedOrders = (orders: RoundOrder[]) =>
    db
      .collection<StoredOrder>('orders')
      .find({ _id: { $in: orders.map((o) => new ObjectId(o.id)) } })
      .toArray();

  const storedRecords = (orders: RoundOrder[]) =>
    db
      .collection<StoredRecord>('outbox')
      .find({ orderId: { $in: orders.map((o) => o.id) } })
      .toArray();

  /**
   * What the kill left behind. Every stored change has its record, on the order or already in
   * the outbox collection; `unrelayed` counts changes whose record had not reached the outbox
   * collection yet (the crash window), `uncleared` those relayed but still on the order.
   */
  async function afterKill(orders: RoundOrder[]) {
    const stored = await storedOrders(orders);
    const records = await storedRecords(orders);
    const relayedKeys = new Set(records.map((r) => r.key));
    let changed = 0;
    let unrelayed = 0;
    let uncleared = 0;
    for (const order of stored) {
      const onOrder = (order.outbox ?? []).filter((e) => e.type === 'order.status_changed');
      const relayed = records.filter((r) => r.orderId === String(order._id));
      const waiting = onOrder.filter((e) => !relayedKeys.has(e.key));
      expect(describedChanges([...relayed, ...waiting]), order.status).toEqual(changesOf(order));
      if (changesOf(order).length > 0) changed += 1;
      unrelayed += waiting.length;
      uncleared += onOrder.length - waiting.length;
    }
    return { changed, unrelayed, uncleared };
  }

  it('relays exactly one record per stored change and mails each cancellation once after a restart', async () => {
    let service = await startService();
    const admin = await createAdmin(service.api);
    const productId = await createProduct(service.api, admin);

    const rounds: RoundOrder[][] = [];
    const windows: string[] = [];
    let windowHit = false;
    for (let attempt = 1; attempt <= ATTEMPTS && !windowHit; attempt++) {
      const orders = await prepareRound(service.api, productId);
      rounds.push(orders);
      const mailsBeforeKill = sink.messages().length;
      const answers = await burstAndKill(service, admin, orders);
      const left = await afterKill(orders);
      windows.push(
        `attempt ${attempt}: ${answers} answered, ${left.changed} changed, ` +
          `${left.unrelayed} unrelayed, ${left.uncleared} relayed but not cleared, ` +
          `${sink.messages().length - mailsBeforeKill} mails before the kill`,
      );
      // Killed while some stored change was still waiting for its relay.
      windowHit = left.unrelayed > 0;
      service = await startService();
    }
    expect(windowHit, windows.join('\n')).toBe(true);
    console.info(`outbox crash test:\n${windows.join('\n')}`);

    // The new process's repair pass relays what the dead one left on the orders.
    await ordersOutboxSettled(service.api, 30_000);
    const orders = rounds.flat();
    const stored = new Map((await storedOrders(orders)).map((o) => [String(o._id), o]));
    const records = await storedRecords(orders);
    for (const order of orders) {
      const doc = stored.get(order.id)!;
      // An acknowledged change was stored; a change that was not stored did not happen at all.
      if (order.acknowledged) expect(doc.status, order.orderNumber).toBe(order.target);
      expect([order.target, 'pending'], order.orderNumber).toContain(doc.status);
      expect(doc.outbox ?? [], order.orderNumber).toEqual([]);
      expect(doc.outboxPending ?? false, order.orderNumber).toBe(false);
      const own = records.filter((r) => r.orderId === order.id);
      // No change without its record, no record without its change, none twice.
      expect(describedChanges(own), order.orderNumber).toEqual(changesOf(doc));
      expect(
        own.filter((r) => r.type === 'order.created'),
        order.orderNumber,
      ).toHaveLength(1);
    }

    // Each stored cancellation mailed once (opt-in is the default); processing is no milestone.
    const cancelled = orders.filter((o) => stored.get(o.id)!.status === 'cancelled');
    expect(cancelled.length).toBeGreaterThan(0);
    for (const order of cancelled) {
      await sink.waitFor(
        (m) => m.to.includes(order.customer.user.email) && m.subject.includes(order.orderNumber),
        60_000,
      );
    }
    // The senders keep polling: nothing more may arrive.
    await sleep(3_000);
    for (const order of orders) {
      const mails = sink.messages().filter((m) => m.to.includes(order.customer.user.email));
      if (stored.get(order.id)!.status !== 'cancelled') {
        expect(mails, order.orderNumber).toEqual([]);
        continue;
      }
      const record = records.find(
        (r) => r.orderId === order.id && r.type === 'order.status_changed',
      )!;
      expect(
        mails.map((m) => [m.subject, m.headers['x-docket-idempotency-key']]),
        order.orderNumber,
      ).toEqual([[`Your order ${order.orderNumber} has been cancelled`, `email:${record.key}`]]);
    }
    service.node.child.kill('SIGKILL');
    await service.node.exited;
  }, 300_000);

  it('mails a change relayed just before the kill even when it came in the first seconds of a new database', async () => {
    // The email consumer of a new database starts at "now". Had that start not been stored by
    // the kill, the next process would start at its own "now" and skip what the dead one relayed.
    const tries: string[] = [];
    let scenarioHit = false;
    for (let attempt = 1; attempt <= ATTEMPTS && !scenarioHit; attempt++) {
      const fresh = client.db(uniqueDatabaseName('outboxfirst'));
      const first = await startService(fresh);
      const admin = await createAdmin(first.api);
      const productId = await createProduct(first.api, admin);
      const customer = await registerCustomer(first.api);
      const order = await placeOrder(first.api, customer, productId);
      const cancel = await first.api
        .http()
        .patch(`/api/orders/admin/${order.id}/status`)
        .set(bearer(admin))
        .send({ status: 'cancelled' });
      expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
      const relayed = () =>
        fresh
          .collection('outbox')
          .countDocuments({ orderId: order.id, type: 'order.status_changed' });
      for (let i = 0; i < 100 && (await relayed()) === 0; i++) await sleep(20);
      first.node.child.kill('SIGKILL');
      await first.node.exited;
      const queued = await fresh.collection('email_messages').countDocuments({});
      const mailed = sink.messages().filter((m) => m.to.includes(customer.user.email)).length;
      tries.push(
        `attempt ${attempt}: relayed ${await relayed()}, ${queued} email(s) queued, ${mailed} mail(s) at the kill`,
      );
      // Relayed by the dead process before its email consumer had read it.
      scenarioHit = (await relayed()) === 1 && queued === 0 && mailed === 0;

      // Down for a while (a crash loop, a slow reschedule): longer than the feed looks back for
      // late records (15 s past its stability horizon), so only a stored checkpoint can lead the
      // next process to the record.
      await sleep(DOWNTIME_MS);
      const second = await startService(fresh);
      const mail = await sink.waitFor((m) => m.to.includes(customer.user.email), 30_000);
      expect(mail.subject, tries.join('\n')).toBe(
        `Your order ${order.orderNumber} has been cancelled`,
      );
      await sleep(2_000);
      expect(sink.messages().filter((m) => m.to.includes(customer.user.email))).toHaveLength(1);
      second.node.child.kill('SIGKILL');
      await second.node.exited;
    }
    expect(scenarioHit, tries.join('\n')).toBe(true);
    console.info(`outbox crash test, new database:\n${tries.join('\n')}`);
  }, 300_000);
});
