import path from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  startSequel247Sandbox,
  type Sequel247Sandbox,
} from '../src/dev/sequel247-sandbox/sequel247-sandbox.js';
import { TrackingService } from '../src/tracking/tracking.service.js';
import { compiledSources, spawnNode, type NodeChild } from './support/child-process.js';
import { SandboxControl } from './support/sequel247-sandbox.js';
import {
  BASE_TEST_ENV,
  createTestApp,
  TEST_SEQUEL247_TOKEN,
  uniqueDatabaseName,
} from './support/test-app.js';

const { ObjectId } = mongoose.mongo;
const TOKEN = TEST_SEQUEL247_TOKEN;
const SHIPMENTS = 60;
const LEASE_MS = 4_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the service killed with SIGKILL in the middle of a sync pass', () => {
  let sandbox: Sequel247Sandbox;
  let control: SandboxControl;
  let client: mongoose.mongo.MongoClient;
  let db: mongoose.mongo.Db;
  let uri: string;
  let dockets: string[];
  let service: NodeChild | undefined;

  beforeAll(async () => {
    sandbox = await startSequel247Sandbox({ seed: 7, token: TOKEN, timeScale: 0 });
    control = new SandboxControl(sandbox.controlUrl);
    dockets = (await control.bulk(SHIPMENTS)).dockets;

    // The trackings, registered by the app itself (due at once), then the app is closed.
    const databaseName = uniqueDatabaseName('crash');
    uri = `${inject('mongoBaseUri').replace(/\/$/, '')}/${databaseName}`;
    const seeder = await createTestApp({
      databaseName,
      env: { SEQUEL247_BASE_URL: sandbox.url, SEQUEL247_TOKEN: TOKEN },
    });
    const tracking = seeder.app.get(TrackingService);
    for (const docket of dockets) {
      await tracking.registerShipment({
        orderId: new ObjectId().toHexString(),
        orderNumber: `DK-CRASH-${docket}`,
        userId: new ObjectId().toHexString(),
        customerEmail: 'asha@example.in',
        items: [
          { product: new ObjectId().toHexString(), sku: 'RING-1', name: 'Ring', quantity: 1 },
        ],
        docketNumber: docket,
        courierService: 'Sequel247',
      });
    }
    await seeder.close();
    client = new mongoose.mongo.MongoClient(uri);
    await client.connect();
    db = client.db(databaseName);
    await control.resetStats();
    // Slow enough that a pass is still running when it is killed.
    await control.fault({ type: 'latency', latencyMs: 400, endpoint: '/api/trackMultiple' });
  });

  afterAll(async () => {
    service?.child.kill('SIGKILL');
    await client?.close();
    await sandbox?.stop();
  });

  async function startService(): Promise<NodeChild> {
    const sources = await compiledSources();
    return spawnNode([path.join(sources, 'main.js')], {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      PORT: '0',
      LOG_LEVEL: 'info',
      DEMO_DATA: 'false',
      MONGODB_URI: uri,
      SEQUEL247_BASE_URL: sandbox.url,
      SEQUEL247_TOKEN: TOKEN,
      JWT_SECRET: BASE_TEST_ENV.JWT_SECRET,
      EMAIL_ENABLED: 'false',
      PUBLIC_TRACKING_SECRET: BASE_TEST_ENV.PUBLIC_TRACKING_SECRET,
      PUBLIC_TRACKING_URL_TEMPLATE: BASE_TEST_ENV.PUBLIC_TRACKING_URL_TEMPLATE,
      SEQUEL247_BATCH_SIZE: '5',
      SEQUEL247_RETRIES: '0',
      TRACKING_SYNC_ENABLED: 'true',
      TRACKING_SYNC_CRON: '* * * * * *', // every second
      TRACKING_SYNC_CONCURRENCY: '2',
      TRACKING_LEASE_MS: String(LEASE_MS),
    });
  }

  const synced = async () =>
    new Set(
      (
        await db
          .collection<{ _id: string }>('trackings')
          .find({ lastSyncedAt: { $ne: null } }, { projection: { _id: 1 } })
          .toArray()
      ).map((d) => d._id),
    );

  it('resumes on the next start: every shipment polled, none stored twice, in-flight ones polled again only after their lease', async () => {
    service = await startService();
    // Wait until the pass is part way: some batches stored, most not.
    for (let i = 0; i < 200; i++) {
      const done = await synced();
      if (done.size >= 10) break;
      await sleep(100);
    }
    service.child.kill('SIGKILL');
    await service.exited;
    const killedAt = Date.now();
    const storedBeforeKill = await synced();
    expect(storedBeforeKill.size).toBeGreaterThan(0);
    expect(storedBeforeKill.size).toBeLessThan(SHIPMENTS);
    const askedBeforeKill = (await control.stats()).byDocket;

    service = await startService();
    for (let i = 0; i < 600 && (await synced()).size < SHIPMENTS; i++) await sleep(100);
    service.child.kill('SIGTERM');
    await service.exited;

    // Nothing lost: every shipment's poll is stored.
    expect((await synced()).size).toBe(SHIPMENTS);
    const asked = (await control.stats()).byDocket;
    for (const docket of dockets) {
      if (storedBeforeKill.has(docket)) {
        // Stored before the kill: not polled again within its interval.
        expect(asked[docket], docket).toBe(1);
      } else {
        // Asked about when the process died (answer lost) or never asked: polled once more at most.
        expect(asked[docket] ?? 0, docket).toBe((askedBeforeKill[docket] ?? 0) + 1);
      }
    }
    // An answer lost with the process is asked again only once its lease has run out.
    const inFlight = dockets.filter((d) => !storedBeforeKill.has(d) && askedBeforeKill[d]);
    if (inFlight.length > 0) {
      const doc = await db
        .collection<{ _id: string; lastSyncedAt: Date }>('trackings')
        .findOne({ _id: inFlight[0] });
      expect(doc!.lastSyncedAt.getTime()).toBeGreaterThanOrEqual(killedAt + LEASE_MS - 2_000);
    }
  });
});
