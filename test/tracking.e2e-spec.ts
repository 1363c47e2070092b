import { EventEmitter2 } from '@nestjs/event-emitter';
import mongoose from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TrackingStatus } from '../src/courier/tracking-status.js';
import { formatScanTime } from '../src/dev/sequel247-sandbox/ist-time.js';
import {
  Sequel247Sandbox,
  startSequel247Sandbox,
} from '../src/dev/sequel247-sandbox/sequel247-sandbox.js';
import { ShipmentStatusChangedEvent } from '../src/tracking/events/shipment-status-changed.event.js';
import { TrackingService } from '../src/tracking/tracking.service.js';
import { bearer, createAdmin, registerCustomer, TestUser } from './support/auth.js';
import { SandboxControl } from './support/sequel247-sandbox.js';
import { createTestApp, TestApp } from './support/test-app.js';
import { dueNow, scheduleTrackings } from './support/tracking-schedule.js';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { TrackingLease } from '../src/tracking/schemas/tracking-lease.schema.js';

const { ObjectId } = mongoose.mongo;

/**
 * Tracking end to end: the real app, its real Sequel247HttpClient and the Sequel247 sandbox over
 * real HTTP. Each test scripts the courier through the sandbox's control API (dockets with the
 * `manual` scenario carry exactly the scans a test adds, at the IST times it names), breaks it
 * with injected faults, and counts what the app asked it for in the sandbox's /__sandbox/stats.
 */

const TOKEN = 'c0ffee00c0ffee00c0ffee00c0ffee00';
/** Courier retries per call: an outage costs 1 + RETRIES requests per batch. */
const RETRIES = 1;
/** Where every manual docket goes; with the sandbox clock below its ETA is fixed (see test 1). */
const PUNE = '411001';
const SANDBOX_NOW = Date.parse('2025-03-01T04:30:00Z'); // 10:00 IST
const DAY_MS = 86_400_000;

/** A scan as the courier reports it: code, India time (`YYYY-MM-DD HH:MM:SS`), location. */
type Scan = [code: string, istDateTime: string, location: string | null];

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
  stale: boolean;
}

interface ListItem {
  docketNumber: string;
  status: string;
  stale: boolean;
  consecutiveFailures: number;
}

function items(res: { body: { data: ListItem[] } }): ListItem[] {
  return res.body.data;
}

let unknownSeq = 0;
/** A docket number the sandbox has never issued (its own are drawn at random from its seed). */
function docketUnknownToCourier(): string {
  unknownSeq += 1;
  return `09990000${String(unknownSeq).padStart(2, '0')}`;
}

describe('tracking against the Sequel247 sandbox', () => {
  let sandbox: Sequel247Sandbox;
  let control: SandboxControl;
  let t: TestApp;
  let tracking: TrackingService;
  /** Every status-change event, as a listener sees it. Records only: acknowledging is Orders' job. */
  let events: ShipmentStatusChangedEvent[] = [];
  /** Makes the test's listener throw, as a failing Orders listener would. */
  let failListener = false;
  let customer: TestUser;
  let otherCustomer: TestUser;
  let admin: TestUser;

  const trackings = () => t.db.collection('trackings');

  /** A docket at the courier carrying exactly these scans (recorded in this order). */
  async function courierDocket(...scans: Scan[]): Promise<string> {
    const { docket } = await control.createDocket({ scenario: 'manual', destination: PUNE });
    await addScans(docket, ...scans);
    return docket;
  }

  /** New scans at the courier; its current status becomes the last one's code. */
  async function addScans(docket: string, ...scans: Scan[]): Promise<void> {
    for (const [code, dateTime, location] of scans) {
      await control.addScan(docket, { code, dateTime, location, description: `${code} scan` });
    }
  }

  /** The courier is down: every API request gets an HTML 503 until the faults are cleared. */
  async function courierDown(): Promise<void> {
    await control.fault({ type: 'http5xx', status: 503 });
  }

  /** Requests the app sent the courier since the last stats reset, per docket they named. */
  async function askedAbout(): Promise<Record<string, number>> {
    return (await control.stats()).byDocket;
  }

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
    await scheduleTrackings(t.db, { docketNumber: { $in: dockets } }, dueNow());
  }

  /** The tracking as stored, read straight from the database. */
  async function stored(docket: string): Promise<StoredDoc> {
    const doc = await trackings().findOne({ docketNumber: docket });
    if (!doc) throw new Error(`no tracking ${docket}`);
    return doc as unknown as StoredDoc;
  }

  beforeAll(async () => {
    sandbox = await startSequel247Sandbox({ seed: 42, now: SANDBOX_NOW, token: TOKEN });
    control = new SandboxControl(sandbox.controlUrl);
    t = await createTestApp({
      env: {
        SEQUEL247_BASE_URL: sandbox.url,
        SEQUEL247_TOKEN: TOKEN,
        SEQUEL247_TIMEOUT_MS: '2000',
        SEQUEL247_RETRIES: String(RETRIES),
        SEQUEL247_RETRY_BASE_MS: '5',
        SEQUEL247_BATCH_SIZE: '5',
        // Outages here are a few calls long: the circuit stays closed, so every failure is the
        // courier's own answer (the breaker is pinned in sequel247-client.e2e-spec.ts).
        SEQUEL247_BREAKER_THRESHOLD: '20',
        SEQUEL247_BREAKER_COOLDOWN_MS: '200',
        TRACKING_SYNC_CONCURRENCY: '3',
        // Long enough that no test's own fresh changes are replayed by a pass's reconcile.
        TRACKING_RECONCILE_GRACE_SECONDS: '30',
      },
    });
    tracking = t.app.get(TrackingService);
    const record = (e: ShipmentStatusChangedEvent) => {
      events.push(e);
      if (failListener) throw new Error('listener down (test)');
    };
    t.app
      .get(EventEmitter2)
      .on(ShipmentStatusChangedEvent.eventName, record as (e: unknown) => void);
    customer = await registerCustomer(t);
    otherCustomer = await registerCustomer(t);
    admin = await createAdmin(t);
  });

  afterAll(async () => {
    await t?.close();
    await sandbox?.stop();
  });

  beforeEach(async () => {
    await control.clearFaults();
    await control.resetStats();
    // Park every earlier tracking so each test's pass only sees its own dockets (only those that
    // could fall due within a test are rewritten: FerretDB updates documents one by one).
    await scheduleTrackings(
      t.db,
      { nextSyncAt: { $lt: new Date(Date.now() + DAY_MS / 2) } },
      new Date(Date.now() + DAY_MS),
    );
    // Earlier tests' unacknowledged changes are not this test's business.
    await trackings().updateMany({ orderAckPending: true }, { $set: { orderAckPending: false } });
    events = [];
    failListener = false;
  });

  describe('startTracking', () => {
    it('creates the tracking and syncs it at once', async () => {
      const docket = await courierDocket(
        ['SCREATED', '2025-03-01 10:30:00', 'BANGALORE'], // 05:00 UTC
        ['SPU', '2025-03-01 14:30:00', 'BANGALORE'], // 09:00 UTC
      );
      const atCourier = await control.docket(docket);
      expect(atCourier.etaIst).toBe('04-03-2025 20:00'); // Bengaluru → Pune: 3 days, 20:00 IST

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
      expect(view.estimatedDelivery?.toISOString()).toBe('2025-03-04T14:30:00.000Z');
      expect(view.history.map((h) => [h.code, h.location, h.occurredAt.toISOString()])).toEqual([
        ['SCREATED', 'BANGALORE', '2025-03-01T05:00:00.000Z'],
        ['SPU', 'BANGALORE', '2025-03-01T09:00:00.000Z'],
      ]);
      expect(view.lastSyncedAt).not.toBeNull();
      expect(view.nextSyncAt!.getTime()).toBeGreaterThan(Date.now() + 25 * 60_000);
      expect(await askedAbout()).toEqual({ [docket]: 1 });
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
      expect(await stored(docket)).toMatchObject({ status: 'PROCESSING', rawStatusCode: 'SPU' });
    });

    it('is idempotent for the same order and docket', async () => {
      const docket = await courierDocket(['SCREATED', '2025-03-01 10:30:00', 'PUNE']);
      const orderId = new ObjectId().toHexString();
      const first = await start(docket, customer.user.id, orderId);
      const again = await start(docket, customer.user.id, orderId);
      expect(again.id).toBe(first.id);
      expect(again.orderId).toBe(orderId);
      expect(await trackings().countDocuments({ docketNumber: docket })).toBe(1);
    });

    it('rejects a docket already used by another order', async () => {
      const docket = await courierDocket();
      const first = await start(docket);
      await expect(start(docket)).rejects.toMatchObject({ code: 'DOCKET_ALREADY_USED' });
      expect(await trackings().countDocuments({ docketNumber: docket })).toBe(1);
      expect(String((await trackings().findOne({ docketNumber: docket }))?.order)).toBe(
        first.orderId,
      );
    });

    it('records a failed first sync instead of throwing, and the next pass catches up', async () => {
      const docket = await courierDocket();
      await courierDown();
      const view = await start(docket);
      expect(view.status).toBe(TrackingStatus.OrderPlaced);
      expect(view.consecutiveFailures).toBe(1);
      expect(view.lastError).toMatch(/503/);
      expect(view.lastSyncedAt).toBeNull();
      // The client really tried, and retried, over HTTP.
      expect(await askedAbout()).toEqual({ [docket]: 1 + RETRIES });

      await control.clearFaults();
      await addScans(docket, ['SLINREC', '2025-03-02 10:30:00', 'MUMBAI']);
      await makeDue(docket);
      const summary = await tracking.runPass();
      expect(summary).toMatchObject({ claimed: 1, changed: 1, statusChanged: 1, failed: 0 });
      const doc = await stored(docket);
      expect(doc).toMatchObject({ status: 'ON_THE_ROAD', consecutiveFailures: 0, lastError: null });
    });

    it('finds the trackings of a page of orders in one call', async () => {
      const a = await courierDocket();
      const b = await courierDocket();
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
      const due: string[] = [];
      for (let i = 0; i < 12; i++)
        due.push(await courierDocket(['SCREATED', '2025-03-01 10:30:00', 'PUNE']));
      const notDue = await courierDocket(['SCREATED', '2025-03-01 10:30:00', 'PUNE']);
      const delivered = await courierDocket(['SDELVD', '2025-03-01 10:30:00', 'PUNE']);
      for (const d of [...due, notDue, delivered]) await start(d);
      expect((await stored(delivered)).terminal).toBe(true);

      // Move half of the due ones forward at the courier.
      for (const d of due.slice(0, 6))
        await addScans(d, ['SLINREC', '2025-03-02 10:30:00', 'MUMBAI']);
      await makeDue(...due, delivered);
      await control.resetStats();
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
      const stats = await control.stats();
      expect(stats.byEndpoint).toEqual({ '/api/trackMultiple': 3 });
      expect(Object.keys(stats.byDocket).sort()).toEqual([...due].sort());
      expect(Object.values(stats.byDocket).every((n) => n === 1)).toBe(true);
      expect(events.map((e) => e.docketNumber).sort()).toEqual(due.slice(0, 6).sort());
      for (const d of due.slice(0, 6)) expect((await stored(d)).status).toBe('ON_THE_ROAD');
      for (const d of due.slice(6)) expect((await stored(d)).status).toBe('ORDER_PLACED');

      // Nothing left to do: a second pass right away polls nothing.
      await control.resetStats();
      const again = await tracking.runPass();
      expect(again.claimed).toBe(0);
      expect(again.courierCalls).toBe(0);
      expect((await control.stats()).total).toBe(0);

      // Nothing holds the synced trackings: each stored sync kept its lease, but on the syncSeq
      // it replaced, so only a claim from an out-of-date read collides with it. (Leases live in
      // their own collection, the one the lease model writes to: a count on a field or
      // collection nobody writes would pass whatever happened.)
      const leaseModel = t.app.get<Model<TrackingLease>>(getModelToken(TrackingLease.name));
      expect(leaseModel.collection.collectionName).toBe('tracking_leases');
      for (const docket of due) {
        const { syncSeq } = await stored(docket);
        const left = await t.db
          .collection<{ seq: number }>('tracking_leases')
          .find({ tracking: docket })
          .toArray();
        // (Earlier syncs of the same tracking, e.g. at start, kept theirs on older values.)
        const seqs = left.map((l) => l.seq);
        expect(seqs).toContain(syncSeq - 1);
        expect(seqs.filter((seq) => seq >= syncSeq)).toEqual([]);
      }
    });

    it('polls sooner when out for delivery and stops at delivery', async () => {
      const docket = await courierDocket(['SDELASN', '2025-03-03 09:30:00', null]);
      await start(docket);
      const ofd = await stored(docket);
      expect(ofd.status).toBe('OUT_FOR_DELIVERY');
      const minutes = (ofd.nextSyncAt.getTime() - ofd.lastSyncedAt.getTime()) / 60_000;
      expect(minutes).toBe(10);

      await addScans(docket, ['SDELVD', '2025-03-03 13:30:00', 'PUNE']);
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
      // The courier repeats a scan.
      const docket = await courierDocket(
        ['SCREATED', '2025-03-01 10:30:00', 'PUNE'], // 01 Mar 05:00 UTC
        ['SCREATED', '2025-03-01 10:30:00', 'PUNE'],
        ['SLINDEST', '2025-03-03 09:30:00', 'DELHI'], // 03 Mar 04:00 UTC
      );
      await start(docket);
      expect((await stored(docket)).history.map((h) => h.code)).toEqual(['SCREATED', 'SLINDEST']);

      // The courier now also reports a scan from between the two (recorded late, listed first)
      // and repeats the others; its current status stays SLINDEST.
      await control.addScan(docket, {
        code: 'SLINREC',
        dateTime: '2025-03-02 11:30:00', // 02 Mar 06:00 UTC
        location: 'NAGPUR',
        setStatus: false,
      });
      await makeDue(docket);
      events = [];
      const summary = await tracking.runPass();
      expect(summary).toMatchObject({ changed: 1, statusChanged: 0 });
      expect(events).toHaveLength(0);
      const doc = await stored(docket);
      expect(doc.history.map((h) => h.code)).toEqual(['SCREATED', 'SLINREC', 'SLINDEST']);
      expect(doc.lastScanAt.toISOString()).toBe('2025-03-03T04:00:00.000Z');

      // The same answer again changes nothing.
      await makeDue(docket);
      const again = await tracking.runPass();
      expect(again).toMatchObject({ claimed: 1, changed: 0, unchanged: 1 });
      expect((await stored(docket)).history).toHaveLength(3);
    });

    it('keeps the status on an unknown code, records the raw code and carries on', async () => {
      const docket = await courierDocket(['SLINREC', '2025-03-02 10:30:00', 'PUNE']);
      const neighbour = await courierDocket();
      await start(docket);
      await start(neighbour);
      await addScans(docket, ['SWEIRD42', '2025-03-02 14:30:00', 'PUNE']);
      await addScans(neighbour, ['SPU', '2025-03-02 10:30:00', 'PUNE']);
      expect((await control.docket(docket)).status).toBe('SWEIRD42');
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
      expect((await stored(neighbour)).status).toBe('PROCESSING');
      expect(events.map((e) => e.docketNumber)).toEqual([neighbour]);
    });

    it('never moves a delivered shipment back on a stale poll', async () => {
      const docket = await courierDocket(
        ['SDELASN', '2025-03-03 09:30:00', null],
        ['SDELVD', '2025-03-03 13:30:00', 'PUNE'],
      );
      await start(docket);
      // A stale courier answer: it reports the parcel out for delivery again.
      expect((await control.setStatus(docket, 'SDELASN')).status).toBe('SDELASN');
      await control.resetStats();
      events = [];
      const refreshed = await tracking.refreshNow(docket);
      expect(await askedAbout()).toEqual({ [docket]: 1 });
      expect(refreshed).toMatchObject({
        status: 'DELIVERED',
        rawStatusCode: 'SDELVD',
        terminal: true,
        nextSyncAt: null,
      });
      expect(refreshed.history).toHaveLength(2);
      expect(events).toHaveLength(0);
      expect(await stored(docket)).toMatchObject({ status: 'DELIVERED', rawStatusCode: 'SDELVD' });
    });

    it('does not let one bad docket sink its batch', async () => {
      const good = [await courierDocket(), await courierDocket()];
      const bad = await courierDocket();
      for (const d of [...good, bad]) await start(d);
      for (const d of good) await addScans(d, ['SPU', '2025-03-02 10:30:00', 'PUNE']);
      // Any request naming the bad docket gets a broken body: the whole trackMultiple, then its
      // own track call.
      await control.fault({ type: 'malformed', docket: bad });
      await makeDue(...good, bad);
      await control.resetStats();
      const summary = await tracking.runPass();
      expect(summary).toMatchObject({ claimed: 3, changed: 2, failed: 1 });
      // One batch, then one call per docket (a broken answer is not retried).
      expect(summary.courierCalls).toBe(4);
      expect((await control.stats()).byEndpoint).toEqual({
        '/api/trackMultiple': 1,
        '/api/track': 3,
      });
      for (const d of good) expect((await stored(d)).status).toBe('PROCESSING');
      const failed = await stored(bad);
      expect(failed).toMatchObject({ status: 'ORDER_PLACED', consecutiveFailures: 1 });
      expect(failed.lastError).toMatch(/unreadable response on \/api\/track:/);
    });

    it('loses nothing when the courier is down for a pass, and catches up later', async () => {
      const dockets: string[] = [];
      for (let i = 0; i < 7; i++) {
        const d = await courierDocket(
          ['SCREATED', '2025-03-01 10:30:00', 'PUNE'],
          ['SPU', '2025-03-01 14:30:00', 'PUNE'],
        );
        await start(d);
        dockets.push(d);
      }
      for (const d of dockets) await addScans(d, ['SLINREC', '2025-03-02 14:30:00', 'MUMBAI']);
      await courierDown();
      await makeDue(...dockets);
      await control.resetStats();
      events = [];
      const outage = await tracking.runPass();
      expect(outage).toMatchObject({ claimed: 7, failed: 7, changed: 0 });
      expect(events).toHaveLength(0);
      // Every docket was really asked for, with the client's retry.
      const asked = await askedAbout();
      for (const d of dockets) expect(asked[d]).toBe(1 + RETRIES);
      for (const d of dockets) {
        const doc = await stored(d);
        expect(doc).toMatchObject({ status: 'PROCESSING', consecutiveFailures: 1 });
        expect(doc.history).toHaveLength(2);
        expect(doc.lastError).toMatch(/503/);
        // Backed off: 2 × the poll interval.
        expect(doc.nextSyncAt.getTime() - doc.lastAttemptAt.getTime()).toBe(60 * 60_000);
      }

      await control.clearFaults();
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
      expect(events.map((e) => e.docketNumber).sort()).toEqual([...dockets].sort());
    });

    it('treats a docket the courier does not know yet as a soft failure', async () => {
      const docket = docketUnknownToCourier();
      const view = await start(docket);
      expect(await askedAbout()).toEqual({ [docket]: 1 });
      expect(view.consecutiveFailures).toBe(1);
      expect(view.lastError).toMatch(/Not found at the courier/);
      await makeDue(docket);
      const summary = await tracking.runPass();
      expect(summary).toMatchObject({ claimed: 1, notFound: 1, failed: 0 });
      expect(await stored(docket)).toMatchObject({
        status: 'ORDER_PLACED',
        consecutiveFailures: 2,
      });
    });

    it('never polls a docket twice when two passes run at once', async () => {
      const dockets: string[] = [];
      for (let i = 0; i < 23; i++) {
        const d = await courierDocket();
        await start(d);
        await addScans(d, ['SPU', '2025-03-02 10:30:00', 'PUNE']);
        dockets.push(d);
      }
      await makeDue(...dockets);
      await control.resetStats();
      // Slow courier answers keep both passes in flight together.
      await control.fault({ type: 'latency', latencyMs: 30 });
      events = [];
      const [a, b] = await Promise.all([tracking.runPass(), tracking.runPass()]);
      expect(a.claimed + b.claimed).toBe(23);
      const asked = await askedAbout();
      expect(Object.keys(asked).sort()).toEqual([...dockets].sort());
      expect(Object.values(asked).every((n) => n === 1)).toBe(true);
      expect(events).toHaveLength(23);
      for (const d of dockets) expect((await stored(d)).history).toHaveLength(1);
    });

    it('skips a tracking leased by another instance until the lease expires', async () => {
      const docket = await courierDocket();
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
      await control.resetStats();
      expect((await tracking.runPass()).claimed).toBe(0);
      await expect(tracking.refreshNow(docket)).rejects.toMatchObject({
        code: 'TRACKING_SYNC_IN_PROGRESS',
      });
      expect(await askedAbout()).toEqual({});

      // The other instance crashed: its lease runs out and this one takes over.
      await leases.updateOne(
        { _id: `${docket}:${syncSeq}:0` },
        { $set: { expiresAt: new Date(Date.now() - 1) } },
      );
      expect((await tracking.runPass()).claimed).toBe(1);
      expect(await askedAbout()).toEqual({ [docket]: 1 });
      // The crashed holder's lease is gone; the pass's own stays on the replaced syncSeq.
      const left = (await leases.find({ tracking: docket, seq: syncSeq }).toArray()).map((l) => [
        l.seq,
        l.attempt,
      ]);
      expect(left).toEqual([[syncSeq, 1]]);
      expect((await stored(docket)).syncSeq).toBe(syncSeq + 1);
    });

    it('flags a shipment with no new scan for too long as stale', async () => {
      const sixDaysAgo = formatScanTime(Date.now() - 6 * DAY_MS);
      const docket = await courierDocket(['SLINREC', sixDaysAgo, 'PUNE']);
      const view = await start(docket);
      expect(view.status).toBe(TrackingStatus.OnTheRoad);
      expect(view.stale).toBe(true);
      expect((await stored(docket)).stale).toBe(true);
    });
  });

  describe('reconcile', () => {
    it('re-emits a status change the Orders side has not acknowledged, until it does', async () => {
      const docket = await courierDocket(['SPU', '2025-03-02 10:30:00', 'PUNE']);
      await start(docket);
      const synced = await stored(docket);
      expect(synced.status).toBe('PROCESSING');
      // Pending for Orders unless a listener already acknowledged it: never silently dropped.
      expect(synced.orderAckPending || synced.orderStatusAcknowledged === 'PROCESSING').toBe(true);

      /**
       * The change as Orders left it unacknowledged (a lost event), `ago` ms after it happened.
       * Set afresh before each check, so it holds whatever listeners the app has.
       */
      const unacknowledged = (ago: number) =>
        trackings().updateOne(
          { docketNumber: docket },
          {
            $set: {
              orderAckPending: true,
              orderStatusAcknowledged: 'ORDER_PLACED',
              statusChangedAt: new Date(Date.now() - ago),
            },
          },
        );

      // Within the grace period the live event may still be on its way: no replay yet.
      await unacknowledged(0);
      events = [];
      expect(await tracking.reconcile()).toBe(0);
      expect(events).toHaveLength(0);

      await unacknowledged(31_000);
      expect(await tracking.reconcile()).toBe(1);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        docketNumber: docket,
        previousStatus: 'ORDER_PLACED',
        status: 'PROCESSING',
        replayed: true,
      });

      // A listener that fails leaves it unacknowledged: each reconcile sends it again.
      failListener = true;
      await unacknowledged(31_000);
      expect(await tracking.reconcile()).toBe(1);
      expect(await stored(docket)).toMatchObject({
        orderAckPending: true,
        orderStatusAcknowledged: 'ORDER_PLACED',
      });
      expect(await tracking.reconcile()).toBe(1);

      // Once every listener returns, Tracking records the acknowledgement itself: no more replays.
      failListener = false;
      events = [];
      expect(await tracking.reconcile()).toBe(1);
      expect(await stored(docket)).toMatchObject({
        orderAckPending: false,
        orderStatusAcknowledged: 'PROCESSING',
      });
      events = [];
      expect(await tracking.reconcile()).toBe(0);
      expect(events).toHaveLength(0);
    });
  });

  describe('HTTP', () => {
    let docket: string;

    beforeAll(async () => {
      docket = await courierDocket(['SLINREC', '2025-03-02 10:30:00', 'PUNE']);
      await start(docket, customer.user.id);
    });

    it('shows the owning customer the tracking with its history', async () => {
      const res = await t.http().get(`/api/tracking/${docket}`).set(bearer(customer)).expect(200);
      expect(res.body.data).toMatchObject({
        docketNumber: docket,
        status: 'ON_THE_ROAD',
        rawStatusCode: 'SLINREC',
        estimatedDelivery: '2025-03-04T14:30:00.000Z',
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
      const res = await t.http().get(`/api/tracking/${docket}`).set(bearer(admin)).expect(200);
      expect(res.body.data.docketNumber).toBe(docket);
    });

    it('answers 400 for a malformed docket and 401 without a token', async () => {
      const res = await t.http().get('/api/tracking/bad!docket').set(bearer(customer)).expect(400);
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
      expect((await control.stats()).total).toBe(0);
    });

    it('refreshes one docket now (admin)', async () => {
      await addScans(docket, ['SLINDEST', '2025-03-03 10:30:00', 'DELHI']);
      const res = await t
        .http()
        .post(`/api/tracking/admin/${docket}/refresh`)
        .set(bearer(admin))
        .expect(200);
      expect(await askedAbout()).toEqual({ [docket]: 1 });
      expect(res.body.data).toMatchObject({
        docketNumber: docket,
        rawStatusCode: 'SLINDEST',
        consecutiveFailures: 0,
      });
      expect(res.body.data.history).toHaveLength(2);
      expect((await stored(docket)).rawStatusCode).toBe('SLINDEST');
      await t.http().post('/api/tracking/admin/0000000000/refresh').set(bearer(admin)).expect(404);
      await t.http().post('/api/tracking/admin/abc/refresh').set(bearer(admin)).expect(400);
      // Neither of those reached the courier.
      expect(await askedAbout()).toEqual({ [docket]: 1 });
    });

    it('reports a courier failure on refresh in lastError rather than failing the request', async () => {
      await courierDown();
      const res = await t
        .http()
        .post(`/api/tracking/admin/${docket}/refresh`)
        .set(bearer(admin))
        .expect(200);
      expect(res.body.data.consecutiveFailures).toBe(1);
      expect(res.body.data.lastError).toMatch(/503/);
      expect(res.body.data.status).toBe('ON_THE_ROAD');
      expect(await stored(docket)).toMatchObject({ consecutiveFailures: 1, status: 'ON_THE_ROAD' });
    });

    it('runs a pass on request (admin) and returns its summary', async () => {
      await makeDue(docket);
      const res = await t.http().post('/api/tracking/admin/sync').set(bearer(admin)).expect(200);
      expect(res.body.data).toMatchObject({ claimed: 1, failed: 0, courierCalls: 1 });
      expect(typeof res.body.data.durationMs).toBe('number');
      expect(await askedAbout()).toEqual({ [docket]: 1 });
      // The previous test's failure is healed by this pass.
      expect((await stored(docket)).consecutiveFailures).toBe(0);
    });

    it('lists trackings for admins with status, stale and failing filters', async () => {
      const failing = await courierDocket();
      await courierDown();
      await start(failing);
      await control.clearFaults();
      const delivered = await courierDocket(['SDELVD', '2025-03-03 13:30:00', 'PUNE']);
      await start(delivered);
      const stale = await courierDocket([
        'SLINREC',
        formatScanTime(Date.now() - 6 * DAY_MS),
        'PUNE',
      ]);
      await start(stale);

      const all = await t
        .http()
        .get('/api/tracking/admin?limit=100')
        .set(bearer(admin))
        .expect(200);
      expect(all.body.meta.total).toBeGreaterThan(5);
      expect(all.body.data[0]).not.toHaveProperty('history');
      expect(all.body.data[0]).toHaveProperty('nextSyncAt');

      const onlyFailing = await t
        .http()
        .get('/api/tracking/admin?failing=true&limit=100')
        .set(bearer(admin))
        .expect(200);
      const failingItems = items(onlyFailing);
      expect(failingItems.every((i) => i.consecutiveFailures > 0)).toBe(true);
      expect(failingItems.map((i) => i.docketNumber)).toContain(failing);
      expect(failingItems.map((i) => i.docketNumber)).not.toContain(delivered);

      const onlyDelivered = await t
        .http()
        .get('/api/tracking/admin?status=DELIVERED&limit=100')
        .set(bearer(admin))
        .expect(200);
      expect(items(onlyDelivered).every((i) => i.status === 'DELIVERED')).toBe(true);
      expect(items(onlyDelivered).map((i) => i.docketNumber)).toContain(delivered);
      expect(items(onlyDelivered).map((i) => i.docketNumber)).not.toContain(failing);

      const onlyStale = await t
        .http()
        .get('/api/tracking/admin?stale=true&limit=100')
        .set(bearer(admin))
        .expect(200);
      expect(items(onlyStale).every((i) => i.stale)).toBe(true);
      expect(items(onlyStale).map((i) => i.docketNumber)).toContain(stale);
      expect(items(onlyStale).map((i) => i.docketNumber)).not.toContain(delivered);

      await t.http().get('/api/tracking/admin?stale=maybe').set(bearer(admin)).expect(400);
      await t.http().get('/api/tracking/admin?status=LOST').set(bearer(admin)).expect(400);
    });
  });
});
