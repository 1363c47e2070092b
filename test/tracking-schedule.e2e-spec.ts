import { SchedulerRegistry } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import mongoose from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../src/app.module.js';
import {
  type Sequel247Sandbox,
  startSequel247Sandbox,
} from '../src/dev/sequel247-sandbox/sequel247-sandbox.js';
import { TRACKING_SYNC_JOB } from '../src/tracking/tracking-sync.service.js';
import { TrackingService } from '../src/tracking/tracking.service.js';
import { SandboxControl } from './support/sequel247-sandbox.js';
import { BASE_TEST_ENV, createTestApp, TestApp } from './support/test-app.js';

const { ObjectId } = mongoose.mongo;
const TOKEN = 'abcdefabcdefabcdefabcdefabcdefab';

describe('tracking sync schedule', () => {
  let sandbox: Sequel247Sandbox;
  let t: TestApp | undefined;

  beforeAll(async () => {
    sandbox = await startSequel247Sandbox({ token: TOKEN, timeScale: 0 });
  });

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  function boot(env: Record<string, string>) {
    return createTestApp({
      env: { SEQUEL247_BASE_URL: sandbox.url, SEQUEL247_TOKEN: TOKEN, ...env },
    });
  }

  it('runs the @Cron job on TRACKING_SYNC_CRON, and its tick runs a sync pass', async () => {
    t = await boot({ TRACKING_SYNC_ENABLED: 'true', TRACKING_SYNC_CRON: '*/5 * * * *' });
    const job = t.app.get(SchedulerRegistry).getCronJob(TRACKING_SYNC_JOB);
    expect(job.isActive).toBe(true);
    expect(job.cronTime.source).toBe('*/5 * * * *');
    const next = job.nextDate().toJSDate();
    expect(next.getUTCMinutes() % 5).toBe(0);

    const { docket } = await new SandboxControl(sandbox.controlUrl).createDocket();
    await t.app.get(TrackingService).registerShipment({
      orderId: new ObjectId().toHexString(),
      orderNumber: 'DKT-261125-TICK01',
      userId: new ObjectId().toHexString(),
      customerEmail: 'tick@example.in',
      items: [],
      docketNumber: docket,
    });
    await job.fireOnTick();
    const stored = await t.db
      .collection<{ _id: string; [field: string]: unknown }>('trackings')
      .findOne({ _id: docket });
    expect(stored?.lastSyncedAt).toBeInstanceOf(Date);
    expect(stored?.rawStatusCode).toBe('SCREATED');
  });

  it.each([
    [{ TRACKING_SYNC_ENABLED: 'false' }],
    [{ TRACKING_SYNC_ENABLED: 'true', TRACKING_SYNC_CRON: 'off' }],
  ])('leaves the job stopped when the schedule is off (%j)', async (env) => {
    t = await boot(env);
    expect(t.app.get(SchedulerRegistry).getCronJob(TRACKING_SYNC_JOB).isActive).toBe(false);
  });

  it.each(['every day', '61 * * * *', '* * * * * * *'])(
    'refuses to boot with TRACKING_SYNC_CRON=%j, naming the variable',
    async (cron) => {
      const saved = { ...process.env };
      Object.assign(process.env, BASE_TEST_ENV, {
        MONGODB_URI: 'mongodb://127.0.0.1:1/x',
        TRACKING_SYNC_ENABLED: 'true',
        TRACKING_SYNC_CRON: cron,
      });
      try {
        const error = await Test.createTestingModule({ imports: [AppModule] })
          .compile()
          .then(
            async (moduleRef) => {
              await moduleRef.close();
              return null;
            },
            (e: unknown) => e,
          );
        expect(String(error)).toContain(`TRACKING_SYNC_CRON=${JSON.stringify(cron)}`);
      } finally {
        process.env = saved;
      }
    },
  );
});
