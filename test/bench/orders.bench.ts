/**
 * Read-path benchmark for orders: seeds 10,000 orders over 100 customers straight into the
 * database, then fires concurrent HTTP load at `GET /api/orders/my` and `GET /api/orders/admin`
 * on a real listening server and reports p50/p99 latency and requests per second.
 * Prints a table and writes `.cache/bench/orders.json`. Asserts correctness, never timing.
 *
 *   npm run bench:orders                       (10,000 orders, 100 customers, concurrency 8)
 *   BENCH_ORDERS=100000 BENCH_CUSTOMERS=1000 npm run bench:orders     (the 100,000-order variant)
 *   BENCH_CONCURRENCY=50 BENCH_REQUESTS=3000 npm run bench:orders
 *   BENCH_SCENARIOS='orders/my' npm run bench:orders    (only scenarios whose name contains it)
 *   BENCH_QUERY_COUNTS=1 ...  (also prints the app's database calls per request)
 *   BENCH_CPU_PROFILE=1 ...   (also writes .cache/bench/orders-<n>.cpuprofile of this process)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { ConfigService } from '@nestjs/config';
import jwt from 'jsonwebtoken';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllConfig } from '../../src/config/index.js';
import { generateOrderNumber } from '../../src/orders/order-number.js';
import { snapshotOf } from '../../src/orders/order-snapshots.service.js';
import { summaryOf } from '../../src/orders/order-summaries.service.js';
import { OrderStatus, StatusChangeSource } from '../../src/orders/order-status.js';
import { scanStats } from '../support/pg-scan-stats.js';
import { countQueriesIfAsked } from '../support/query-counter.js';
import { cpuPerRequest, processTreeCpuMs } from '../support/process-tree-cpu.js';
import { createTestApp, TestApp } from '../support/test-app.js';

const { ObjectId } = mongoose.mongo;
type ObjectIdT = InstanceType<typeof ObjectId>;

const ORDERS = Number(process.env.BENCH_ORDERS ?? 10_000);
/** About 100 orders per customer whatever the shop's size. */
const USERS = Number(process.env.BENCH_CUSTOMERS ?? Math.max(1, Math.round(ORDERS / 100)));
const PRODUCTS = 40;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2_000);
/** Stop a scenario early if it runs longer than this, so the benchmark stays bounded. */
const SCENARIO_BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 90_000);
const WARMUP_REQUESTS = Number(process.env.BENCH_WARMUP ?? 5);
const ONLY = process.env.BENCH_SCENARIOS;

interface Scenario {
  name: string;
  /** Path and bearer token for the i-th request. */
  request: (i: number) => { path: string; token: string };
}

interface Result {
  scenario: string;
  requests: number;
  concurrency: number;
  errors: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  requestsPerSecond: number;
  /**
   * CPU per request, ms, in total and by process (node = the app and this load generator,
   * ferretdb, postgres): not inflated by other load on the machine as latency is.
   */
  cpuMsPerRequest: Record<string, number> | null;
}

/** A realistic mix: most orders delivered, some in flight, a few cancelled or returned. */
function statusFor(i: number): OrderStatus {
  const r = i % 100;
  if (r < 55) return OrderStatus.Delivered;
  if (r < 70) return OrderStatus.Shipped;
  if (r < 80) return OrderStatus.Processing;
  if (r < 90) return OrderStatus.Pending;
  if (r < 97) return OrderStatus.Cancelled;
  return OrderStatus.Returned;
}

const PATH_TO: Record<OrderStatus, OrderStatus[]> = {
  [OrderStatus.Pending]: [],
  [OrderStatus.Processing]: [OrderStatus.Processing],
  [OrderStatus.Shipped]: [OrderStatus.Processing, OrderStatus.Shipped],
  [OrderStatus.Delivered]: [OrderStatus.Processing, OrderStatus.Shipped, OrderStatus.Delivered],
  [OrderStatus.Cancelled]: [OrderStatus.Cancelled],
  [OrderStatus.Returned]: [
    OrderStatus.Processing,
    OrderStatus.Shipped,
    OrderStatus.Delivered,
    OrderStatus.Returned,
  ],
};

function docketFor(i: number): string {
  return String(5_000_000_000 + i);
}

const SCAN_SCRIPT: Array<[string, string, string]> = [
  ['SCREATED', 'ORDER_PLACED', 'BANGALORE'],
  ['SPU', 'PROCESSING', 'BANGALORE'],
  ['SCHECKIN', 'PACKAGING', 'BANGALORE'],
  ['SLINREC', 'ON_THE_ROAD', 'BANGALORE HUB'],
  ['SLINORIN', 'ON_THE_ROAD', 'BANGALORE HUB'],
  ['SLINDEST', 'ON_THE_ROAD', 'MUMBAI HUB'],
  ['SDELASN', 'OUT_FOR_DELIVERY', 'MUMBAI'],
  ['SDELVD', 'DELIVERED', 'MUMBAI'],
];

/** A stored tracking as the sync writes it: in transit for shipped orders, else delivered. */
function trackingFor(
  order: {
    _id: ObjectIdT;
    orderNumber: string;
    user: ObjectIdT;
    customerEmail: string;
    status: OrderStatus;
    createdAt: Date;
    items: Array<{ product: ObjectIdT; sku: string; name: string; quantity: number }>;
  },
  i: number,
  now: number,
) {
  const inTransit = order.status === OrderStatus.Shipped;
  const scans = SCAN_SCRIPT.slice(0, inTransit ? 5 : 8).map(([code, status, location], n) => ({
    status,
    code,
    description: `${code} scan`,
    location,
    occurredAt: new Date(order.createdAt.getTime() + (n + 1) * 6 * 3_600_000),
  }));
  const last = scans[scans.length - 1];
  return {
    _id: docketFor(i),
    order: order._id,
    orderNumber: order.orderNumber,
    user: order.user,
    customerEmail: order.customerEmail,
    items: order.items.map((it) => ({
      product: it.product,
      sku: it.sku,
      name: it.name,
      quantity: it.quantity,
    })),
    docketNumber: docketFor(i),
    courierService: 'Sequel247',
    status: last.status,
    rawStatusCode: last.code,
    estimatedDelivery: new Date(order.createdAt.getTime() + 3 * 86_400_000),
    history: scans,
    lastScanAt: last.occurredAt,
    statusChangedAt: last.occurredAt,
    lastSyncedAt: new Date(now - 600_000),
    lastAttemptAt: new Date(now - 600_000),
    nextSyncAt: inTransit ? new Date(now + 1_800_000) : null,
    consecutiveFailures: 0,
    lastError: null,
    terminal: !inTransit,
    stale: false,
    syncSeq: 3,
    orderStatusAcknowledged: last.status,
    orderAckPending: false,
    createdAt: order.createdAt,
    updatedAt: last.occurredAt,
  };
}

/** The parcel summary the order keeps for a tracking (see OrderShipment). */
function parcelOf(tracking: ReturnType<typeof trackingFor>, requestedAt: Date) {
  const delivered = tracking.status === 'DELIVERED';
  return {
    docketNumber: tracking.docketNumber,
    courierService: tracking.courierService,
    carrierName: null,
    booked: false,
    lines: tracking.items,
    stage: 'shipped',
    status: tracking.status,
    estimatedDelivery: tracking.estimatedDelivery,
    history: tracking.history,
    requestedBy: 'bench-admin',
    requestedAt,
    shippedAt: requestedAt,
    lastMovedAt: tracking.statusChangedAt,
    lastUpdatedAt: tracking.lastSyncedAt,
    deliveredAt: delivered ? tracking.lastScanAt : null,
    returnedAt: null,
    restockedAt: null,
    note: null,
  };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (n: number) => Math.round(n * 10) / 10;

async function runScenario(baseUrl: string, scenario: Scenario): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const hit = async (i: number) => {
    const { path: p, token } = scenario.request(i);
    const started = performance.now();
    const res = await fetch(baseUrl + p, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 200) errors++;
    return performance.now() - started;
  };

  for (let i = 0; i < WARMUP_REQUESTS; i++) await hit(i);

  const stopCounting = countQueriesIfAsked();
  const cpuBefore = processTreeCpuMs();
  const startedAt = performance.now();
  const deadline = startedAt + SCENARIO_BUDGET_MS;
  const worker = async () => {
    while (next < REQUESTS && performance.now() < deadline) {
      const i = next++;
      latencies.push(await hit(i));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsedMs = performance.now() - startedAt;
  const cpuAfter = processTreeCpuMs();
  const perRequest = stopCounting(latencies.length);
  if (perRequest) process.stderr.write(`[orders bench] queries per request: ${perRequest}\n`);

  latencies.sort((a, b) => a - b);
  return {
    scenario: scenario.name,
    requests: latencies.length,
    concurrency: CONCURRENCY,
    errors,
    p50Ms: round(percentile(latencies, 50)),
    p90Ms: round(percentile(latencies, 90)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies[latencies.length - 1] ?? 0),
    requestsPerSecond: round((latencies.length / elapsedMs) * 1000),
    cpuMsPerRequest: cpuPerRequest(cpuBefore, cpuAfter, latencies.length),
  };
}

describe('orders read benchmark', () => {
  let t: TestApp;
  let baseUrl: string;
  let customerTokens: string[];
  let customerIds: ObjectIdT[];
  let adminToken: string;
  let trackedOrders = 0;

  beforeAll(async () => {
    t = await createTestApp({ env: { LOG_LEVEL: 'warn' } });
    const auth = t.app.get<ConfigService<AllConfig, true>>(ConfigService).getOrThrow('auth', {
      infer: true,
    });
    const secret = auth.jwtSecret;
    const sign = (id: ObjectIdT) =>
      jwt.sign({ sub: id.toHexString() }, secret, {
        algorithm: 'HS256',
        expiresIn: 3 * 3600,
        issuer: auth.jwtIssuer,
        audience: auth.jwtAudience,
      });

    const now = Date.now();
    const users = Array.from({ length: USERS + 1 }, (_, i) => ({
      _id: new ObjectId(),
      email: i === USERS ? 'bench.admin@example.in' : `bench.customer${i}@example.in`,
      // Never used to log in: tokens are signed directly.
      passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$unused$unused',
      firstName: i === USERS ? 'Bench' : `Customer${i}`,
      lastName: 'Load',
      role: i === USERS ? 'admin' : 'customer',
      createdAt: new Date(now - 400 * 86_400_000),
      updatedAt: new Date(now - 400 * 86_400_000),
    }));
    await t.db.collection('users').insertMany(users);
    customerIds = users.slice(0, USERS).map((u) => u._id);
    customerTokens = customerIds.map(sign);
    adminToken = sign(users[USERS]._id);

    const products = Array.from({ length: PRODUCTS }, (_, i) => ({
      _id: new ObjectId(),
      sku: `BENCH-${String(i).padStart(3, '0')}`,
      name: `Bench Jewel ${i}`,
      pricePaise: 50_000 + i * 37_500,
    }));

    const seen = new Set<string>();
    const orders = Array.from({ length: ORDERS }, (_, i) => {
      const userIndex = i % USERS;
      const createdAt = new Date(now - Math.floor(((ORDERS - i) / ORDERS) * 365 * 86_400_000));
      let orderNumber = generateOrderNumber(createdAt);
      while (seen.has(orderNumber)) orderNumber = generateOrderNumber(createdAt);
      seen.add(orderNumber);
      const lineCount = 1 + (i % 3);
      const items = Array.from({ length: lineCount }, (_, l) => {
        const product = products[(i * 7 + l * 13) % PRODUCTS];
        const quantity = 1 + ((i + l) % 2);
        return {
          product: product._id,
          sku: product.sku,
          name: product.name,
          unitPricePaise: product.pricePaise,
          quantity,
          lineTotalPaise: product.pricePaise * quantity,
        };
      });
      const subtotalPaise = items.reduce((s, it) => s + it.lineTotalPaise, 0);
      const status = statusFor(i);
      const history = [
        {
          from: null,
          to: OrderStatus.Pending,
          at: createdAt,
          source: StatusChangeSource.Customer,
          actor: customerIds[userIndex].toHexString(),
          note: null,
        },
        ...PATH_TO[status].map((to, step, path) => ({
          from: step === 0 ? OrderStatus.Pending : path[step - 1],
          to,
          at: new Date(createdAt.getTime() + (step + 1) * 86_400_000),
          source:
            to === OrderStatus.Delivered ? StatusChangeSource.Courier : StatusChangeSource.Admin,
          actor: to === OrderStatus.Delivered ? 'sequel247' : users[USERS]._id.toHexString(),
          note: null,
        })),
      ];
      const shipped = [OrderStatus.Shipped, OrderStatus.Delivered, OrderStatus.Returned].includes(
        status,
      );
      return {
        _id: new ObjectId(),
        orderNumber,
        user: customerIds[userIndex],
        customerEmail: users[userIndex].email,
        items,
        subtotalPaise,
        shippingFeePaise: 0,
        totalPaise: subtotalPaise,
        currency: 'INR',
        shippingAddress: {
          fullName: `Customer${userIndex} Load`,
          phone: `98${String(10_000_000 + userIndex).slice(-8)}`,
          line1: `${userIndex + 1}, MG Road`,
          city: 'Bengaluru',
          state: 'Karnataka',
          pincode: '560001',
          country: 'IN',
        },
        status,
        statusHistory: history,
        ...(shipped && {
          trackingNumber: docketFor(i),
          courierService: 'Sequel247',
        }),
        ...(status === OrderStatus.Cancelled && { stockReleasedAt: history[1].at }),
        createdAt,
        updatedAt: history[history.length - 1].at,
      };
    });
    // Every shipped order has its tracking record with a full scan history, and (as the
    // tracking events keep it) that parcel's summary on the order itself: the lists read
    // trackingInfo from there, so the orders are as large as in production.
    const trackings = orders.flatMap((order, i) =>
      order.trackingNumber ? [trackingFor(order, i, now)] : [],
    );
    const trackingByOrder = new Map(trackings.map((tr) => [String(tr.order), tr]));
    const stored = orders.map((order) => {
      const tr = trackingByOrder.get(String(order._id));
      return tr
        ? { ...order, shipments: [parcelOf(tr, order.statusHistory[1].at)], shipmentsVersion: 1 }
        : order;
    });
    for (let i = 0; i < stored.length; i += 1_000) {
      const chunk = stored.slice(i, i + 1_000);
      await t.db.collection('orders').insertMany(chunk, { ordered: false });
      // Each order's list summary, as OrdersService stores it with the order.
      await t.db.collection('order_summaries').insertMany(
        chunk.map((o) => summaryOf(o)),
        { ordered: false },
      );
      // And its list snapshot.
      await t.db.collection('order_snapshots').insertMany(
        chunk.map((o) => snapshotOf({ outbox: [], ...o } as never)),
        { ordered: false },
      );
    }
    expect(await t.db.collection('orders').countDocuments()).toBe(ORDERS);

    for (let i = 0; i < trackings.length; i += 1_000) {
      await t.db
        .collection<{ _id: string }>('trackings')
        .insertMany(trackings.slice(i, i + 1_000), { ordered: false });
    }
    trackedOrders = trackings.length;

    await t.app.listen(0, '127.0.0.1');
    baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('reports p50/p99 latency and requests/second for the order lists', async () => {
    // Sanity: the seeded data is what the API serves.
    const check = await fetch(`${baseUrl}/api/orders/my`, {
      headers: { authorization: `Bearer ${customerTokens[0]}` },
    });
    const body = (await check.json()) as {
      data: Array<{ trackingNumber: string | null; trackingInfo: { hasTracking: boolean } }>;
      meta: { total: number };
    };
    expect(check.status).toBe(200);
    expect(body.meta.total).toBe(ORDERS / USERS);
    expect(body.data).toHaveLength(20);
    const shippedOnPage = body.data.filter((o) => o.trackingNumber);
    expect(shippedOnPage.length).toBeGreaterThan(0);
    expect(shippedOnPage.every((o) => o.trackingInfo.hasTracking)).toBe(true);

    const scenarios: Scenario[] = [
      {
        name: 'GET /api/orders/my (page 1, 20 per page)',
        request: (i) => ({ path: '/api/orders/my', token: customerTokens[i % USERS] }),
      },
      {
        name: 'GET /api/orders/my?status=delivered&page=2',
        request: (i) => ({
          path: '/api/orders/my?status=delivered&page=2',
          token: customerTokens[i % USERS],
        }),
      },
      {
        name: 'GET /api/orders/admin (page 1, 20 per page)',
        request: () => ({ path: '/api/orders/admin', token: adminToken }),
      },
      {
        name: 'GET /api/orders/admin?status=shipped&sort=-totalPaise&limit=50',
        request: () => ({
          path: '/api/orders/admin?status=shipped&sort=-totalPaise&limit=50',
          token: adminToken,
        }),
      },
      {
        name: 'GET /api/orders/admin?user=<id>&from=<90 days ago>',
        request: (i) => ({
          path: `/api/orders/admin?user=${customerIds[i % USERS].toHexString()}&from=${new Date(Date.now() - 90 * 86_400_000).toISOString()}`,
          token: adminToken,
        }),
      },
    ];

    const results: Result[] = [];
    const profiler = process.env.BENCH_CPU_PROFILE ? new Session() : null;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    for (const scenario of scenarios.filter((s) => !ONLY || s.name.includes(ONLY))) {
      const result = await runScenario(baseUrl, scenario);
      results.push(result);
      // As each scenario ends, so a long run that is stopped still leaves its numbers.
      process.stderr.write(`[orders bench] ${JSON.stringify(result)}\n`);
    }

    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      const file = path.resolve(`.cache/bench/orders-${ORDERS}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      console.log(`wrote ${file}`);
    }
    // Sequential scans here mean PostgreSQL did not use the GIN index twins for some query.
    console.table(await scanStats(t.databaseName));
    console.table(
      results.map((r) => ({
        scenario: r.scenario,
        requests: r.requests,
        errors: r.errors,
        'p50 ms': r.p50Ms,
        'p99 ms': r.p99Ms,
        'max ms': r.maxMs,
        'req/s': r.requestsPerSecond,
        'cpu ms/req': r.cpuMsPerRequest?.total ?? null,
      })),
    );
    const out = path.resolve(`.cache/bench/orders-${ORDERS}.json`);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(
      out,
      `${JSON.stringify(
        {
          at: new Date().toISOString(),
          database: 'FerretDB v1.24 on embedded PostgreSQL 16 (GIN index twins), same machine',
          seed: { users: USERS, orders: ORDERS, products: PRODUCTS, trackings: trackedOrders },
          concurrency: CONCURRENCY,
          requestsPerScenario: REQUESTS,
          node: process.version,
          results,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`wrote ${out}`);
    for (const r of results) expect(r.errors, r.scenario).toBe(0);
  });
});
