/**
 * Notification throughput benchmark: BENCH_CHANGES (10,000) order status changes
 * (processing → shipped, each a milestone) made through OrdersService, turned by the outbox
 * into one customer email each (real SMTP to the development sink on loopback) and one signed
 * webhook each (real HTTP to a loopback receiver, through the webhook dispatcher). Reports the
 * throughput and the lag from change to delivery (p50/p99) per channel. Writes
 * `.cache/bench/notifications.json`. Asserts correctness (every change delivered exactly once
 * per channel), never timing.
 *
 *   npm run bench:notifications
 *   BENCH_CHANGES=200 npm run bench:notifications        (a quick sanity run)
 *   BENCH_QUERY_STATS=1 ...   (also prints the app's query time by shape and PostgreSQL scans)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevMailSink, startDevMailSink } from '../../src/dev/mail/dev-mail-sink.js';
import { OrderStatus, StatusChangeSource } from '../../src/orders/order-status.js';
import { OrdersService } from '../../src/orders/orders.service.js';
import { createAdmin } from '../support/auth.js';
import { percentile, round, seedOrders, seedUsers } from '../support/bench-seed.js';
import { scanStats } from '../support/pg-scan-stats.js';
import { installQueryTiming, queryTimings } from '../support/query-timing.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const CHANGES = Number(process.env.BENCH_CHANGES ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const CUSTOMERS = Math.min(1_000, CHANGES);
/** Give up waiting for deliveries after this long. */
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 30 * 60_000);
const QUERY_STATS = Boolean(process.env.BENCH_QUERY_STATS);

interface ChannelResult {
  channel: string;
  delivered: number;
  duplicates: number;
  throughputPerSecond: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

describe('notifications benchmark', () => {
  let t: TestApp;
  let sink: DevMailSink;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    sink = await startDevMailSink({ port: 0, limit: CHANGES * 2 });
    receiver = await WebhookReceiver.start();
    if (QUERY_STATS) installQueryTiming();
    t = await createTestApp({
      env: {
        LOG_LEVEL: 'warn',
        EMAIL_ENABLED: 'true', // tests default to email off
        SMTP_URL: sink.url,
        EMAIL_POLL_MS: '100',
        EMAIL_CONCURRENCY: '8',
        OUTBOX_POLL_MS: '100',
        WEBHOOKS_POLL_INTERVAL_MS: '100',
      },
    });
  });

  afterAll(async () => {
    await t?.close();
    await receiver?.stop();
    await sink?.stop();
  });

  it(`delivers ${CHANGES} status changes as emails and webhooks`, async () => {
    const admin = await createAdmin(t);
    const endpoint = await t
      .http()
      .post('/api/webhooks/admin/endpoints')
      .set({ authorization: `Bearer ${admin.token}` })
      .send({ url: receiver.url, events: ['order.status_changed'], description: 'bench sink' });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);

    const users = await seedUsers(t, CUSTOMERS);
    const orders = await seedOrders(t, users, CHANGES, OrderStatus.Processing);
    const byNumber = new Map(orders.map((o) => [o.orderNumber, o]));
    const changedAt = new Map<string, number>();
    const service = t.app.get(OrdersService);

    const started = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < orders.length) {
        const order = orders[next++];
        const before = Date.now();
        await service.changeStatus(order.id, OrderStatus.Shipped, {
          source: StatusChangeSource.Admin,
          actor: 'bench',
        });
        changedAt.set(order.orderNumber, before);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const changesDoneMs = Date.now() - started;

    const deadline = Date.now() + BUDGET_MS;
    const emailCount = () => sink.messages().length;
    const hookCount = () => receiver.accepted.length;
    let reportAt = Date.now() + 15_000;
    while ((emailCount() < CHANGES || hookCount() < CHANGES) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      if (Date.now() >= reportAt) {
        reportAt += 15_000;
        const s = Math.round((Date.now() - started) / 1000);
        console.log(`${s} s: ${emailCount()} emails, ${hookCount()} webhooks of ${CHANGES}`);
      }
    }
    // Anything extra would be a duplicate: give it a moment to show up.
    await new Promise((r) => setTimeout(r, 2_000));

    const emailAt = sink.messages().map((m) => ({
      orderNumber: /order (\S+) has shipped/.exec(m.subject)?.[1] ?? '',
      at: m.receivedAt.getTime(),
    }));
    const hookAt = receiver.accepted.map((r) => ({
      orderNumber: r.json<{ data: { orderNumber?: string } }>().data.orderNumber ?? '',
      at: r.at,
    }));

    const measure = (channel: string, deliveries: Array<{ orderNumber: string; at: number }>) => {
      const first = new Map<string, number>();
      let duplicates = 0;
      for (const d of deliveries) {
        if (!byNumber.has(d.orderNumber)) continue;
        if (first.has(d.orderNumber)) duplicates++;
        else first.set(d.orderNumber, d.at);
      }
      const lags = [...first].map(([n, at]) => at - changedAt.get(n)!).sort((x, y) => x - y);
      const last = Math.max(...first.values());
      const result: ChannelResult = {
        channel,
        delivered: first.size,
        duplicates,
        throughputPerSecond: round((first.size / Math.max(1, last - started)) * 1000),
        lagP50Ms: round(percentile(lags, 50)),
        lagP99Ms: round(percentile(lags, 99)),
        lagMaxMs: round(lags[lags.length - 1] ?? 0),
      };
      return result;
    };
    const results = [measure('email', emailAt), measure('webhooks', hookAt)];
    const report = {
      changes: CHANGES,
      concurrency: CONCURRENCY,
      changesPerSecond: round((CHANGES / changesDoneMs) * 1000),
      results,
      at: new Date().toISOString(),
    };
    if (QUERY_STATS) {
      console.table(queryTimings());
      console.table(await scanStats(t.databaseName));
    }
    console.table(results);
    console.log(`changes made at ${report.changesPerSecond}/s (${changesDoneMs} ms)`);
    const out = path.resolve('.cache/bench');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'notifications.json'), JSON.stringify(report, null, 2));

    for (const r of results) {
      expect(r.delivered, `${r.channel} delivered`).toBe(CHANGES);
      expect(r.duplicates, `${r.channel} duplicates`).toBe(0);
    }
  });
});
