import { EventEmitter2 } from '@nestjs/event-emitter';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import mongoose from 'mongoose';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import {
  SEQUEL247_CLIENT,
  type Sequel247Client,
  type ShipmentTracking,
  type TrackManyResult,
  type TrackingScan,
} from '../src/sequel247/sequel247-client.interface.js';
import {
  Sequel247DocketNotFoundError,
  Sequel247RequestRejectedError,
  Sequel247UnavailableError,
} from '../src/sequel247/sequel247.errors.js';
import { mapSequel247Code } from '../src/sequel247/sequel247-status.map.js';
import { TrackingStatus } from '../src/sequel247/tracking-status.js';
import { ShipmentStatusChangedEvent } from '../src/tracking/events/shipment-status-changed.event.js';
import { TrackingService } from '../src/tracking/tracking.service.js';
import { bearer, createAdmin, registerCustomer, TestUser } from './support/auth.js';
import { BASE_TEST_ENV, TestApp, uniqueDatabaseName } from './support/test-app.js';

const { ObjectId } = mongoose.mongo;

/**
 * A scripted courier for deterministic behaviour tests (the sandbox over HTTP is exercised in
 * tracking-sandbox.e2e-spec.ts). Records every docket it is asked about.
 */
class ScriptedCourier implements Pick<Sequel247Client, 'track' | 'trackMany'> {
  shipments = new Map<string, ShipmentTracking>();
  down = false;
  /** Dockets whose presence in a batch makes trackMany reject the whole batch (non-retryable). */
  poison = new Set<string>();
  latencyMs = 0;
  asked: string[] = [];
  calls = 0;

  set(docket: string, code: string, scans: Array<[string, string, string | null]>, eta?: Date) {
    const toScan = ([c, at, location]: [string, string, string | null]): TrackingScan => ({
      code: c,
      status: mapSequel247Code(c),
      description: `${c} scan`,
      location,
      occurredAt: new Date(at),
    });
    this.shipments.set(docket, {
      docketNumber: docket,
      rawStatusCode: code,
      status: mapSequel247Code(code),
      estimatedDelivery: eta ?? null,
      scans: scans.map(toScan),
    });
  }

  async track(docket: string): Promise<ShipmentTracking> {
    this.calls += 1;
    this.asked.push(docket);
    await this.delay();
    if (this.down) throw new Sequel247UnavailableError('Sequel247 timed out after 15000 ms');
    if (this.poison.has(docket)) throw new Sequel247RequestRejectedError('bad docket');
    const shipment = this.shipments.get(docket);
    if (!shipment) throw new Sequel247DocketNotFoundError(docket);
    return structuredClone(shipment);
  }

  async trackMany(dockets: string[]): Promise<TrackManyResult> {
    this.calls += 1;
    this.asked.push(...dockets);
    await this.delay();
    if (this.down) throw new Sequel247UnavailableError('Sequel247 answered HTTP 503');
    if (dockets.some((d) => this.poison.has(d))) {
      throw new Sequel247RequestRejectedError('Invalid docket in request');
    }
    const result: TrackManyResult = { found: [], notFound: [] };
    for (const docket of dockets) {
      const shipment = this.shipments.get(docket);
      if (shipment) result.found.push(structuredClone(shipment));
      else result.notFound.push({ docketNumber: docket, reason: 'No Tracking Information found' });
    }
    return result;
  }

  reset(): void {
    this.asked = [];
    this.calls = 0;
  }

  private delay(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.latencyMs));
  }
}

async function createAppWithCourier(
  courier: ScriptedCourier,
  env: Record<string, string> = {},
): Promise<TestApp> {
  const databaseName = uniqueDatabaseName();
  const uri = `${inject('mongoBaseUri').replace(/\/$/, '')}/${databaseName}`;
  Object.assign(process.env, BASE_TEST_ENV, { MONGODB_URI: uri }, env);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(SEQUEL247_CLIENT)
    .useValue(courier)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true });
  configureApp(app);
  await app.init();
  const client = new mongoose.mongo.MongoClient(uri);
  await client.connect();
  return {
    app,
    http: () => request(app.getHttpServer()),
    db: client.db(databaseName),
    databaseName,
    close: async () => {
      await app.close();
      await client.close();
    },
  };
}

interface StoredDoc {
  status: string;
  terminal: boolean;
  rawStatusCode: string | null;
  history: Array<{ code: string; status: string | null }>;
  lastScanAt: Date;
  lastSyncedAt: Date;
  lastAttemptAt: Date;
  nextSyncAt: Date;
  consecutiveFailures: number;
  lastError: string | null;
  syncSeq: number;
  orderAckPending: boolean;
  orderStatusAcknowledged: string | null;
}

interface ListItem {
  docketNumber: string;
  status: string;
  stale: boolean;
  consecutiveFailures: number;
}

function items(res: { body: { data: { items: ListItem[] } } }): ListItem[] {
  return res.body.data.items;
}

let docketSeq = 0;
function newDocket(): string {
  docketSeq += 1;
  return `07${String(Date.now() % 1_000_000).padStart(6, '0')}${String(docketSeq).padStart(2, '0')}`;
}

describe('tracking (scripted courier)', () => {
  let t: TestApp;
  let tracking: TrackingService;
  const courier = new ScriptedCourier();
  let events: ShipmentStatusChangedEvent[] = [];
  /** Acknowledge like the Orders listener does; off to simulate a lost event. */
  let autoAck = true;
  let customer: TestUser;
  let otherCustomer: TestUser;
  let admin: TestUser;

  const trackings = () => t.db.collection('trackings');

  async function start(
    docket: string,
    userId = customer.user.id,
    orderId = new ObjectId().toHexString(),
  ) {
    return tracking.startTracking({
      orderId,
      orderNumber: `DK-TEST-${docket}`,
      userId,
      customerEmail: 'asha@example.in',
      items: [
        { product: new ObjectId().toHexString(), sku: 'RING-1', name: 'Gold ring', quantity: 1 },
      ],
      docketNumber: docket,
      courierService: 'Sequel247',
    });
  }

  /** Makes these trackings due now, as if their poll time had come. */
  async function makeDue(...dockets: string[]) {
    await trackings().updateMany(
      { docketNumber: { $in: dockets } },
      { $set: { nextSyncAt: new Date(Date.now() - 1000) } },
    );
  }

  /** The tracking as stored, read straight from the database. */
  async function stored(docket: string): Promise<StoredDoc> {
    const doc = await trackings().findOne({ docketNumber: docket });
    if (!doc) throw new Error(`no tracking ${docket}`);
    return doc as unknown as StoredDoc;
  }

  beforeAll(async () => {
    t = await createAppWithCourier(courier, {
      TRACKING_SYNC_CONCURRENCY: '3',
      SEQUEL247_BATCH_SIZE: '5',
      // Long enough that a sync's own acknowledgement always lands first (see the reconcile test).
      TRACKING_RECONCILE_GRACE_SECONDS: '30',
    });
    tracking = t.app.get(TrackingService);
    // Stands in for the Orders listener: records the event and acknowledges it (emitAsync waits).
    const acknowledgeLikeOrders = async (e: ShipmentStatusChangedEvent) => {
      events.push(e);
      if (autoAck) await tracking.acknowledgeOrderStatus(e.docketNumber, e.status);
    };
    t.app
      .get(EventEmitter2)
      .on(ShipmentStatusChangedEvent.eventName, acknowledgeLikeOrders as (e: unknown) => void);
    customer = await registerCustomer(t);
    otherCustomer = await registerCustomer(t);
    admin = await createAdmin(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  beforeEach(async () => {
    courier.down = false;
    courier.poison.clear();
    courier.latencyMs = 0;
    courier.reset();
    autoAck = true;
    // Park every earlier tracking so each test's pass only sees its own dockets.
    await trackings().updateMany({}, { $set: { nextSyncAt: new Date(Date.now() + 86_400_000) } });
    // Earlier tests' unacknowledged changes are not this test's business.
    await trackings().updateMany({}, { $set: { orderAckPending: false } });
    events = [];
  });

  describe('startTracking', () => {
    it('creates the tracking and syncs it at once', async () => {
      const docket = newDocket();
      courier.set(
        docket,
        'SPU',
        [
          ['SCREATED', '2025-03-01T05:00:00Z', 'BANGALORE'],
          ['SPU', '2025-03-01T09:00:00Z', 'BANGALORE'],
        ],
        new Date('2025-03-05T14:30:00Z'),
      );
      const view = await start(docket);
      expect(view).toMatchObject({
        docketNumber: docket,
        status: TrackingStatus.Processing,
        rawStatusCode: 'SPU',
        courierService: 'Sequel247',
        consecutiveFailures: 0,
        terminal: false,
      });
      expect(view.trackingUrl).toContain(docket);
      expect(view.estimatedDelivery?.toISOString()).toBe('2025-03-05T14:30:00.000Z');
      expect(view.history.map((h) => h.code)).toEqual(['SCREATED', 'SPU']);
      expect(view.lastSyncedAt).not.toBeNull();
      expect(view.nextSyncAt!.getTime()).toBeGreaterThan(Date.now() + 25 * 60_000);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        docketNumber: docket,
        previousStatus: TrackingStatus.OrderPlaced,
        status: TrackingStatus.Processing,
        rawStatusCode: 'SPU',
        orderId: view.orderId,
        userId: customer.user.id,
        replayed: false,
      });
      expect(events[0].occurredAt.toISOString()).toBe('2025-03-01T09:00:00.000Z');
    });

    it('is idempotent for the same order and docket', async () => {
      const docket = newDocket();
      courier.set(docket, 'SCREATED', [['SCREATED', '2025-03-01T05:00:00Z', 'PUNE']]);
      const orderId = new ObjectId().toHexString();
      const first = await start(docket, customer.user.id, orderId);
      const again = await start(docket, customer.user.id, orderId);
      expect(again.id).toBe(first.id);
      expect(await trackings().countDocuments({ docketNumber: docket })).toBe(1);
    });

    it('rejects a docket already used by another order', async () => {
      const docket = newDocket();
      courier.set(docket, 'SCREATED', []);
      await start(docket);
      await expect(start(docket)).rejects.toMatchObject({ code: 'DOCKET_ALREADY_USED' });
    });

    it('records a failed first sync instead of throwing, and the next pass catches up', async () => {
      const docket = newDocket();
      courier.down = true;
      const view = await start(docket);
      expect(view.status).toBe(TrackingStatus.OrderPlaced);
      expect(view.consecutiveFailures).toBe(1);
      expect(view.lastError).toMatch(/503/);
      expect(view.lastSyncedAt).toBeNull();

      courier.down = false;
      courier.set(docket, 'SLINREC', [['SLINREC', '2025-03-02T05:00:00Z', 'MUMBAI']]);
      await makeDue(docket);
      const summary = await tracking.runPass();
      expect(summary).toMatchObject({ claimed: 1, changed: 1, statusChanged: 1, failed: 0 });
      const doc = await stored(docket);
      expect(doc).toMatchObject({ status: 'ON_THE_ROAD', consecutiveFailures: 0, lastError: null });
    });

    it('finds the trackings of a page of orders in one call', async () => {
      const a = newDocket();
      const b = newDocket();
      courier.set(a, 'SCREATED', []);
      courier.set(b, 'SCREATED', []);
      const va = await start(a);
      const vb = await start(b);
      const map = await tracking.findByOrderIds([
        va.orderId,
        vb.orderId,
        new ObjectId().toHexString(),
        'nope',
      ]);
      expect(map.size).toBe(2);
      expect(map.get(va.orderId)?.docketNumber).toBe(a);
      expect(map.get(vb.orderId)?.docketNumber).toBe(b);
    });
  });

  describe('sync pass', () => {
    it('polls only due, non-terminal trackings, in batches, and emits only on a real change', async () => {
      const due = Array.from({ length: 12 }, newDocket);
      const notDue = newDocket();
      const delivered = newDocket();
      for (const d of [...due, notDue])
        courier.set(d, 'SCREATED', [['SCREATED', '2025-03-01T05:00:00Z', 'PUNE']]);
      courier.set(delivered, 'SDELVD', [['SDELVD', '2025-03-01T05:00:00Z', 'PUNE']]);
      for (const d of [...due, notDue, delivered]) await start(d);
      expect((await stored(delivered)).terminal).toBe(true);

      // Move half of the due ones forward at the courier.
      for (const d of due.slice(0, 6)) {
        courier.set(d, 'SLINREC', [
          ['SCREATED', '2025-03-01T05:00:00Z', 'PUNE'],
          ['SLINREC', '2025-03-02T05:00:00Z', 'MUMBAI'],
        ]);
      }
      await makeDue(...due, delivered);
      courier.reset();
      events = [];
      const summary = await tracking.runPass();

      expect(summary).toMatchObject({
        claimed: 12,
        changed: 6,
        statusChanged: 6,
        unchanged: 6,
        failed: 0,
      });
      expect(summary.courierCalls).toBe(3); // 12 dockets in batches of 5
      expect([...courier.asked].sort()).toEqual([...due].sort());
      expect(courier.asked).not.toContain(notDue);
      expect(courier.asked).not.toContain(delivered);
      expect(events.map((e) => e.docketNumber).sort()).toEqual(due.slice(0, 6).sort());

      // Nothing left to do: a second pass right away polls nothing.
      courier.reset();
      const again = await tracking.runPass();
      expect(again.claimed).toBe(0);
      expect(courier.calls).toBe(0);

      // Leases are released.
      const leased = await trackings().countDocuments({
        docketNumber: { $in: due },
        leaseOwner: { $ne: null },
      });
      expect(leased).toBe(0);
    });

    it('polls sooner when out for delivery and stops at delivery', async () => {
      const docket = newDocket();
      courier.set(docket, 'SDELASN', [['SDELASN', '2025-03-03T04:00:00Z', 'PUNE']]);
      await start(docket);
      const ofd = await stored(docket);
      const minutes = (ofd.nextSyncAt.getTime() - ofd.lastSyncedAt.getTime()) / 60_000;
      expect(minutes).toBe(10);

      courier.set(docket, 'SDELVD', [
        ['SDELASN', '2025-03-03T04:00:00Z', 'PUNE'],
        ['SDELVD', '2025-03-03T08:00:00Z', 'PUNE'],
      ]);
      await makeDue(docket);
      await tracking.runPass();
      const done = await stored(docket);
      expect(done).toMatchObject({
        status: 'DELIVERED',
        terminal: true,
        nextSyncAt: null,
        rawStatusCode: 'SDELVD',
      });
    });

    it('keeps the history free of duplicates and slots out-of-order scans in place', async () => {
      const docket = newDocket();
      courier.set(docket, 'SLINDEST', [
        ['SLINDEST', '2025-03-03T04:00:00Z', 'DELHI'],
        ['SCREATED', '2025-03-01T05:00:00Z', 'PUNE'],
        ['SCREATED', '2025-03-01T05:00:00Z', 'PUNE'],
      ]);
      await start(docket);
      expect((await stored(docket)).history.map((h: { code: string }) => h.code)).toEqual([
        'SCREATED',
        'SLINDEST',
      ]);

      // The courier now reports a scan from between the two, and repeats the others.
      courier.set(docket, 'SLINDEST', [
        ['SCREATED', '2025-03-01T05:00:00Z', 'PUNE'],
        ['SLINDEST', '2025-03-03T04:00:00Z', 'DELHI'],
        ['SLINREC', '2025-03-02T06:00:00Z', 'NAGPUR'],
      ]);
      await makeDue(docket);
      events = [];
      const summary = await tracking.runPass();
      expect(summary).toMatchObject({ changed: 1, statusChanged: 0 });
      expect(events).toHaveLength(0);
      const doc = await stored(docket);
      expect(doc.history.map((h: { code: string }) => h.code)).toEqual([
        'SCREATED',
        'SLINREC',
        'SLINDEST',
      ]);
      expect(doc.lastScanAt.toISOString()).toBe('2025-03-03T04:00:00.000Z');

      // The same answer again changes nothing.
      await makeDue(docket);
      const again = await tracking.runPass();
      expect(again).toMatchObject({ changed: 0, unchanged: 1 });
      expect((await stored(docket)).history).toHaveLength(3);
    });

    it('keeps the status on an unknown code, records the raw code and carries on', async () => {
      const docket = newDocket();
      const neighbour = newDocket();
      courier.set(docket, 'SLINREC', [['SLINREC', '2025-03-02T05:00:00Z', 'PUNE']]);
      courier.set(neighbour, 'SCREATED', []);
      await start(docket);
      await start(neighbour);
      courier.set(docket, 'SWEIRD42', [
        ['SLINREC', '2025-03-02T05:00:00Z', 'PUNE'],
        ['SWEIRD42', '2025-03-02T09:00:00Z', 'PUNE'],
      ]);
      courier.set(neighbour, 'SPU', [['SPU', '2025-03-02T05:00:00Z', 'PUNE']]);
      await makeDue(docket, neighbour);
      events = [];
      const summary = await tracking.runPass();
      expect(summary).toMatchObject({ claimed: 2, changed: 2, statusChanged: 1, failed: 0 });
      const doc = await stored(docket);
      expect(doc).toMatchObject({
        status: 'ON_THE_ROAD',
        rawStatusCode: 'SWEIRD42',
        consecutiveFailures: 0,
      });
      expect(doc.history[1]).toMatchObject({ code: 'SWEIRD42', status: null });
      expect(events.map((e) => e.docketNumber)).toEqual([neighbour]);
    });

    it('never moves a delivered shipment back on a stale poll', async () => {
      const docket = newDocket();
      courier.set(docket, 'SDELVD', [
        ['SDELASN', '2025-03-03T04:00:00Z', 'PUNE'],
        ['SDELVD', '2025-03-03T08:00:00Z', 'PUNE'],
      ]);
      await start(docket);
      // A cached courier answer from before the delivery.
      courier.set(docket, 'SDELASN', [['SDELASN', '2025-03-03T04:00:00Z', 'PUNE']]);
      events = [];
      const refreshed = await tracking.refreshNow(docket);
      expect(refreshed).toMatchObject({
        status: 'DELIVERED',
        rawStatusCode: 'SDELVD',
        terminal: true,
        nextSyncAt: null,
      });
      expect(refreshed.history).toHaveLength(2);
      expect(events).toHaveLength(0);
    });

    it('does not let one bad docket sink its batch', async () => {
      const good = [newDocket(), newDocket()];
      const bad = newDocket();
      for (const d of [...good, bad]) {
        courier.set(d, 'SCREATED', []);
        await start(d);
      }
      for (const d of good) courier.set(d, 'SPU', [['SPU', '2025-03-02T05:00:00Z', 'PUNE']]);
      courier.poison.add(bad);
      await makeDue(...good, bad);
      const summary = await tracking.runPass();
      expect(summary).toMatchObject({ claimed: 3, changed: 2, failed: 1 });
      for (const d of good) expect((await stored(d)).status).toBe('PROCESSING');
      const failed = await stored(bad);
      expect(failed).toMatchObject({
        status: 'ORDER_PLACED',
        consecutiveFailures: 1,
        lastError: 'bad docket',
      });
    });

    it('loses nothing when the courier is down for a pass, and catches up later', async () => {
      const dockets = Array.from({ length: 7 }, newDocket);
      for (const d of dockets) {
        courier.set(d, 'SPU', [
          ['SCREATED', '2025-03-01T05:00:00Z', 'PUNE'],
          ['SPU', '2025-03-01T09:00:00Z', 'PUNE'],
        ]);
        await start(d);
      }
      for (const d of dockets) {
        courier.set(d, 'SLINREC', [
          ['SCREATED', '2025-03-01T05:00:00Z', 'PUNE'],
          ['SPU', '2025-03-01T09:00:00Z', 'PUNE'],
          ['SLINREC', '2025-03-02T09:00:00Z', 'MUMBAI'],
        ]);
      }
      courier.down = true;
      await makeDue(...dockets);
      events = [];
      const outage = await tracking.runPass();
      expect(outage).toMatchObject({ claimed: 7, failed: 7, changed: 0 });
      expect(events).toHaveLength(0);
      for (const d of dockets) {
        const doc = await stored(d);
        expect(doc).toMatchObject({ status: 'PROCESSING', consecutiveFailures: 1 });
        expect(doc.history).toHaveLength(2);
        expect(doc.lastError).toMatch(/503/);
        // Backed off: 2 × the poll interval.
        expect(doc.nextSyncAt.getTime() - doc.lastAttemptAt.getTime()).toBe(60 * 60_000);
      }

      courier.down = false;
      await makeDue(...dockets);
      const recovered = await tracking.runPass();
      expect(recovered).toMatchObject({ claimed: 7, changed: 7, statusChanged: 7, failed: 0 });
      for (const d of dockets) {
        const doc = await stored(d);
        expect(doc).toMatchObject({
          status: 'ON_THE_ROAD',
          consecutiveFailures: 0,
          lastError: null,
        });
        expect(doc.history).toHaveLength(3);
      }
      expect(events).toHaveLength(7);
    });

    it('treats a docket the courier does not know yet as a soft failure', async () => {
      const docket = newDocket();
      const view = await start(docket);
      expect(view.consecutiveFailures).toBe(1);
      expect(view.lastError).toMatch(/Not found at the courier/);
      await makeDue(docket);
      const summary = await tracking.runPass();
      expect(summary).toMatchObject({ claimed: 1, notFound: 1, failed: 0 });
      expect((await stored(docket)).consecutiveFailures).toBe(2);
    });

    it('never polls a docket twice when two passes run at once', async () => {
      const dockets = Array.from({ length: 23 }, newDocket);
      for (const d of dockets) {
        courier.set(d, 'SCREATED', []);
        await start(d);
        courier.set(d, 'SPU', [['SPU', '2025-03-02T05:00:00Z', 'PUNE']]);
      }
      await makeDue(...dockets);
      courier.reset();
      courier.latencyMs = 30;
      events = [];
      const [a, b] = await Promise.all([tracking.runPass(), tracking.runPass()]);
      expect(a.claimed + b.claimed).toBe(23);
      expect(courier.asked).toHaveLength(23);
      expect(new Set(courier.asked).size).toBe(23);
      expect(events).toHaveLength(23);
      for (const d of dockets) expect((await stored(d)).history).toHaveLength(1);
    });

    it('skips a tracking leased by another instance until the lease expires', async () => {
      const docket = newDocket();
      courier.set(docket, 'SCREATED', []);
      await start(docket);
      await makeDue(docket);
      const { syncSeq } = await stored(docket);
      const leases = t.db.collection<{ _id: string } & Record<string, unknown>>('tracking_leases');
      await leases.insertOne({
        _id: `${docket}:${syncSeq}:0`,
        tracking: docket,
        seq: syncSeq,
        attempt: 0,
        owner: 'other-instance',
        expiresAt: new Date(Date.now() + 60_000),
        createdAt: new Date(),
      });
      expect((await tracking.runPass()).claimed).toBe(0);
      await expect(tracking.refreshNow(docket)).rejects.toMatchObject({
        code: 'TRACKING_SYNC_IN_PROGRESS',
      });

      // The other instance crashed: its lease runs out and this one takes over.
      await leases.updateOne(
        { _id: `${docket}:${syncSeq}:0` },
        { $set: { expiresAt: new Date(Date.now() - 1) } },
      );
      expect((await tracking.runPass()).claimed).toBe(1);
      expect(await leases.countDocuments({ tracking: docket })).toBe(0);
      expect((await stored(docket)).syncSeq).toBe(syncSeq + 1);
    });

    it('flags a shipment with no new scan for too long as stale', async () => {
      const docket = newDocket();
      const old = new Date(Date.now() - 6 * 86_400_000).toISOString();
      courier.set(docket, 'SLINREC', [['SLINREC', old, 'PUNE']]);
      const view = await start(docket);
      expect(view.stale).toBe(true);
    });
  });

  describe('reconcile', () => {
    it('re-emits a status change the Orders side has not acknowledged, until it does', async () => {
      autoAck = false;
      const docket = newDocket();
      courier.set(docket, 'SPU', [['SPU', '2025-03-02T05:00:00Z', 'PUNE']]);
      await start(docket);
      expect((await stored(docket)).orderAckPending).toBe(true);
      events = [];

      // Within the grace period the live event may still be on its way: no replay yet.
      expect(await tracking.reconcile()).toBe(0);
      await trackings().updateOne(
        { docketNumber: docket },
        { $set: { statusChangedAt: new Date(Date.now() - 31_000) } },
      );
      expect(await tracking.reconcile()).toBe(1);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        docketNumber: docket,
        previousStatus: 'ORDER_PLACED',
        status: 'PROCESSING',
        replayed: true,
      });

      // An acknowledgement of an older status does not count.
      expect(await tracking.acknowledgeOrderStatus(docket, TrackingStatus.OrderPlaced)).toBe(false);
      expect(await tracking.reconcile()).toBe(1);

      expect(await tracking.acknowledgeOrderStatus(docket, TrackingStatus.Processing)).toBe(true);
      events = [];
      expect(await tracking.reconcile()).toBe(0);
      expect(events).toHaveLength(0);
      expect((await stored(docket)).orderStatusAcknowledged).toBe('PROCESSING');
    });
  });

  describe('HTTP', () => {
    let docket: string;

    beforeAll(async () => {
      docket = newDocket();
      courier.set(docket, 'SLINREC', [['SLINREC', '2025-03-02T05:00:00Z', 'PUNE']]);
      await start(docket, customer.user.id);
    });

    it('shows the owning customer the tracking with its history', async () => {
      const res = await t.http().get(`/api/tracking/${docket}`).set(bearer(customer)).expect(200);
      expect(res.body.data).toMatchObject({
        docketNumber: docket,
        status: 'ON_THE_ROAD',
        rawStatusCode: 'SLINREC',
        history: [
          {
            code: 'SLINREC',
            status: 'ON_THE_ROAD',
            location: 'PUNE',
            occurredAt: '2025-03-02T05:00:00.000Z',
          },
        ],
      });
      expect(res.body.data).not.toHaveProperty('lastError');
      expect(res.body.data).not.toHaveProperty('customerEmail');
    });

    it("answers 404 for another customer's docket", async () => {
      const res = await t
        .http()
        .get(`/api/tracking/${docket}`)
        .set(bearer(otherCustomer))
        .expect(404);
      expect(res.body.error.code).toBe('TRACKING_NOT_FOUND');
    });

    it('lets an admin see any tracking', async () => {
      await t.http().get(`/api/tracking/${docket}`).set(bearer(admin)).expect(200);
    });

    it('answers 400 for a malformed docket and 401 without a token', async () => {
      const res = await t.http().get('/api/tracking/12345').set(bearer(customer)).expect(400);
      expect(res.body.error.details[0].field).toBe('docketNumber');
      await t.http().get(`/api/tracking/${docket}`).expect(401);
    });

    it('keeps admin routes for admins', async () => {
      await t.http().get('/api/tracking/admin').set(bearer(customer)).expect(403);
      await t.http().post('/api/tracking/admin/sync').set(bearer(customer)).expect(403);
      await t
        .http()
        .post(`/api/tracking/admin/${docket}/refresh`)
        .set(bearer(customer))
        .expect(403);
    });

    it('refreshes one docket now (admin)', async () => {
      courier.set(docket, 'SLINDEST', [
        ['SLINREC', '2025-03-02T05:00:00Z', 'PUNE'],
        ['SLINDEST', '2025-03-03T05:00:00Z', 'DELHI'],
      ]);
      courier.reset();
      const res = await t
        .http()
        .post(`/api/tracking/admin/${docket}/refresh`)
        .set(bearer(admin))
        .expect(200);
      expect(courier.asked).toEqual([docket]);
      expect(res.body.data).toMatchObject({
        docketNumber: docket,
        rawStatusCode: 'SLINDEST',
        consecutiveFailures: 0,
      });
      expect(res.body.data.history).toHaveLength(2);
      await t.http().post('/api/tracking/admin/0000000000/refresh').set(bearer(admin)).expect(404);
      await t.http().post('/api/tracking/admin/abc/refresh').set(bearer(admin)).expect(400);
    });

    it('reports a courier failure on refresh in lastError rather than failing the request', async () => {
      courier.down = true;
      const res = await t
        .http()
        .post(`/api/tracking/admin/${docket}/refresh`)
        .set(bearer(admin))
        .expect(200);
      expect(res.body.data.consecutiveFailures).toBe(1);
      expect(res.body.data.lastError).toMatch(/503/);
      expect(res.body.data.status).toBe('ON_THE_ROAD');
    });

    it('runs a pass on request (admin) and returns its summary', async () => {
      await makeDue(docket);
      const res = await t.http().post('/api/tracking/admin/sync').set(bearer(admin)).expect(200);
      expect(res.body.data).toMatchObject({ claimed: 1, failed: 0 });
      expect(typeof res.body.data.durationMs).toBe('number');
    });

    it('lists trackings for admins with status, stale and failing filters', async () => {
      const failing = newDocket();
      courier.down = true;
      await start(failing);
      courier.down = false;

      const all = await t
        .http()
        .get('/api/tracking/admin?limit=100')
        .set(bearer(admin))
        .expect(200);
      expect(all.body.data.total).toBeGreaterThan(5);
      expect(all.body.data.items[0]).not.toHaveProperty('history');
      expect(all.body.data.items[0]).toHaveProperty('nextSyncAt');

      const onlyFailing = await t
        .http()
        .get('/api/tracking/admin?failing=true&limit=100')
        .set(bearer(admin))
        .expect(200);
      const failingItems = items(onlyFailing);
      expect(failingItems.length).toBeGreaterThan(0);
      expect(failingItems.every((i) => i.consecutiveFailures > 0)).toBe(true);
      expect(failingItems.map((i) => i.docketNumber)).toContain(failing);

      const delivered = await t
        .http()
        .get('/api/tracking/admin?status=DELIVERED')
        .set(bearer(admin))
        .expect(200);
      expect(items(delivered).every((i) => i.status === 'DELIVERED')).toBe(true);
      expect(delivered.body.data.total).toBeGreaterThan(0);

      const stale = await t
        .http()
        .get('/api/tracking/admin?stale=true')
        .set(bearer(admin))
        .expect(200);
      expect(stale.body.data.total).toBeGreaterThan(0);
      expect(items(stale).every((i) => i.stale)).toBe(true);

      await t.http().get('/api/tracking/admin?stale=maybe').set(bearer(admin)).expect(400);
      await t.http().get('/api/tracking/admin?status=LOST').set(bearer(admin)).expect(400);
    });
  });
});
