/**
 * One full tracking sync pass (TrackingService.runPass: the real app, its Orders listener, real
 * HTTP) against the Sequel247 sandbox with 50 ms injected on every tracking call, each run on a
 * fresh database of its own:
 *
 * - wall time of the pass versus its floor, shipments × latency ÷ (concurrency × batch size), at
 *   several TRACKING_SYNC_CONCURRENCY × SEQUEL247_BATCH_SIZE settings;
 * - peak memory (rss and heapUsed, sampled every 50 ms) over a baseline taken after seeding, at
 *   10,000 and at 100,000 due shipments: it should be nearly flat;
 * - zero courier calls for terminal or not-yet-due trackings (sandbox /__sandbox/stats byDocket).
 *
 * App, sandbox and benchmark share one process, so the baseline is taken after the sandbox holds
 * every docket and has rendered each one once (its per-docket JSON cache and request counters are
 * then full): the deltas are what the pass adds. FerretDB is a separate process; its RSS is
 * reported on its own. Asserts correctness only, never timing. Prints a table and writes
 * .cache/bench/tracking-sync.json.
 *
 *   npm run bench:tracking                 (runs 4x50@1000, 4x50@10000, 4x50@100000: issue 12)
 *   BENCH_QUERY_COUNTS=1 …  also prints the app's database calls per shipment during the pass
 *   BENCH_RUNS=4x50@200 npm run bench:tracking          (<concurrency>x<batch>@<due>; a quick look)
 *   BENCH_PASS_BUDGET_MS=0 npm run bench:tracking        (no 25-minute stop, see below)
 *   BENCH_MONGO_BASE_URI=mongodb://host:27017/ npm run bench:tracking        (another server)
 *   BENCH_PROFILE=1 …                               (time by poller step, in the log and JSON)
 *
 * The database is the default one: FerretDB v1.24 over the embedded PostgreSQL, with the GIN
 * index twins. A pass still running after BENCH_PASS_BUDGET_MS (25 minutes, the bound
 * for 100,000 due) is stopped: memory is sampled over that window only, the app is then closed
 * to stop the pass, the row says `bounded` and how many trackings the window wrote, and the
 * full pass time is projected from that rate.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { getModelToken } from '@nestjs/mongoose';
import mongoose, { Model } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Sequel247Sandbox,
  startSequel247Sandbox,
} from '../../src/dev/sequel247-sandbox/sequel247-sandbox.js';
import { TrackingStatus } from '../../src/courier/tracking-status.js';
import { Tracking } from '../../src/tracking/schemas/tracking.schema.js';
import { TrackingLeases } from '../../src/tracking/tracking-leases.service.js';
import { dueMinuteOf } from '../../src/tracking/tracking-state.js';
import {
  type SyncPassSummary,
  TrackingPoller,
} from '../../src/tracking/tracking-poller.service.js';
import { TrackingResultWriter } from '../../src/tracking/tracking-result-writer.js';
import { TrackingService } from '../../src/tracking/tracking.service.js';
import { SandboxControl, SandboxStatsView } from '../support/sequel247-sandbox.js';
import { cpuPerRequest, processTreeCpuMs } from '../support/process-tree-cpu.js';
import { scanStats } from '../support/pg-scan-stats.js';
import { countQueriesIfAsked } from '../support/query-counter.js';
import { createTestApp, TEST_SEQUEL247_TOKEN, TestApp } from '../support/test-app.js';

const { ObjectId } = mongoose.mongo;

interface RunSpec {
  concurrency: number;
  batchSize: number;
  shipments: number;
}

/** "4x50@10000,16x50@100000" → [{concurrency: 4, batchSize: 50, shipments: 10000}, …] */
function parseRuns(text: string): RunSpec[] {
  return text.split(',').map((part) => {
    const match = /^(\d+)x(\d+)@(\d+)$/.exec(part.trim());
    if (!match) throw new Error(`Bad run "${part}": expected <concurrency>x<batch>@<shipments>`);
    const [concurrency, batchSize, shipments] = match.slice(1).map(Number);
    return { concurrency, batchSize, shipments };
  });
}

const LATENCY_MS = 50;
const RUNS = parseRuns(process.env.BENCH_RUNS ?? '4x50@1000,4x50@10000,4x50@100000');
/** A pass still running after this long is stopped (see above); 0 lets every pass finish. */
const PASS_BUDGET_MS = Number(process.env.BENCH_PASS_BUDGET_MS ?? 1_500_000);
/** BENCH_PROFILE=1: time by poller step (see profileSteps). */
const PROFILE = process.env.BENCH_PROFILE === '1';
/** Seeded beside the due ones in every run; the courier must never hear of them. */
const TERMINAL = 250;
const NOT_DUE = 250;
const SAMPLE_EVERY_MS = 50;
const INSERT_CHUNK = 1_000;
/** Sandbox bulk route limit. */
const SANDBOX_BULK_MAX = 100_000;
const WARM_UP_BATCH = 500;
const DAY_MS = 86_400_000;

// A stable baseline needs a full collection first; vitest workers do not get --expose-gc.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

type Kind = 'due' | 'terminal' | 'not-due';

interface MemoryPoint {
  rss: number;
  heapUsed: number;
  ferretDbRss: number | null;
}

interface StepTotals {
  count: number;
  totalMs: number;
  avgMs: number;
}

interface Row {
  label: string;
  shipments: number;
  concurrency: number;
  batchSize: number;
  seedMs: number;
  /** The pass was stopped at BENCH_PASS_BUDGET_MS; the counts cover that window only. */
  bounded: boolean;
  wallMs: number;
  /** Bounded runs: wall time of a full pass at the rate of the window. */
  projectedFullPassMs: number | null;
  floorMs: number;
  /** Full (or projected full) pass time ÷ floor. */
  ratioToFloor: number | null;
  /** The pass summary (null when the pass was stopped). */
  summary: Omit<SyncPassSummary, 'startedAt' | 'passId'> | null;
  sandbox: {
    trackMultipleCalls: number;
    trackCalls: number;
    dueDocketsAsked: number;
    maxAsksPerDocket: number;
    terminalAsked: number;
    notDueAsked: number;
  };
  /** Trackings the pass wrote (all of them unless it was stopped or storage failed). */
  written: number;
  /** Terminal or not-yet-due trackings the pass wrote: must be 0. */
  idleWritten: number;
  /**
   * Leases left after a full pass on trackings it did not write: one per tracking whose write
   * failed (kept to expire). Written ones keep theirs too, checked apart.
   */
  leasesLeft: number | null;
  /**
   * CPU per due shipment (ms; the app with the sandbox, FerretDB, PostgreSQL), in total and by
   * process: unlike wall time, not inflated by other load on the machine.
   */
  cpuMsPerShipment: Record<string, number> | null;
  /** With BENCH_PROFILE=1: summed wall time of the poller's steps. */
  steps?: Record<string, StepTotals>;
  memory: {
    samples: number;
    baselineRssMb: number;
    baselineHeapUsedMb: number;
    peakRssDeltaMb: number;
    peakHeapUsedDeltaMb: number;
    /** heapUsed after the pass and a full GC, minus the baseline: what the pass kept. */
    retainedHeapMb: number | null;
    ferretDbBaselineRssMb: number | null;
    ferretDbPeakRssDeltaMb: number | null;
  };
  loadAverage: { before: number[]; after: number[] };
}

const mb = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
const load = () => os.loadavg().map(round2);
const progress = (message: string) =>
  process.stderr.write(`[tracking-sync bench ${new Date().toISOString()}] ${message}\n`);

/**
 * FerretDB is spawned by the run's global setup, i.e. by vitest's main process, which is this
 * worker's parent (forks pool) or this process (threads pool). Linux only; null elsewhere.
 */
function findFerretDbPid(): number | null {
  try {
    const parents = new Set([process.ppid, process.pid]);
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const match = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
        if (match && match[1] === 'ferretdb' && parents.has(Number(match[2]))) return Number(entry);
      } catch {
        // the process ended while we looked
      }
    }
  } catch {
    // no /proc
  }
  return null;
}

function rssOfPid(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function memoryNow(ferretDbPid: number | null): MemoryPoint {
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed, ferretDbRss: rssOfPid(ferretDbPid) };
}

/** Samples memory every SAMPLE_EVERY_MS until stopped; keeps only the peaks. */
function startSampler(ferretDbPid: number | null) {
  const peak: MemoryPoint = { rss: 0, heapUsed: 0, ferretDbRss: null };
  let samples = 0;
  const take = () => {
    const now = memoryNow(ferretDbPid);
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
    if (now.ferretDbRss !== null)
      peak.ferretDbRss = Math.max(peak.ferretDbRss ?? 0, now.ferretDbRss);
    samples += 1;
  };
  take();
  const timer = setInterval(take, SAMPLE_EVERY_MS);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peak, samples };
    },
  };
}

const USER_IDS = Array.from({ length: 100 }, () => new ObjectId());
const PRODUCT_IDS = Array.from({ length: 40 }, () => new ObjectId());

/**
 * BENCH_PROFILE=1: wraps the poller's steps and sums their wall time (steps of concurrent batches
 * overlap, so the totals add up to more than the pass) to show where a pass spends its time.
 */
function profileSteps(target: object, steps: string[]) {
  const totals = new Map<string, { count: number; totalMs: number }>();
  const record = target as Record<string, (...args: unknown[]) => unknown>;
  const originals = steps.map((step) => [step, record[step]] as const);
  for (const [step, original] of originals) {
    record[step] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await original.apply(target, args);
      } finally {
        const entry = totals.get(step) ?? { count: 0, totalMs: 0 };
        entry.count += 1;
        entry.totalMs += performance.now() - started;
        totals.set(step, entry);
      }
    };
  }
  return () => {
    for (const [step, original] of originals) record[step] = original;
    return Object.fromEntries(
      [...totals.entries()].map(([step, v]): [string, StepTotals] => [
        step,
        { count: v.count, totalMs: Math.round(v.totalMs), avgMs: round2(v.totalMs / v.count) },
      ]),
    );
  };
}

/** A stored tracking as TrackingService.startTracking would have written it, then aged. */
function trackingDocument(docket: string, kind: Kind, index: number, now: number) {
  const createdAt = new Date(now - 3 * DAY_MS);
  const base = {
    _id: docket,
    order: new ObjectId(),
    orderNumber: `DKT-BENCH-${String(index).padStart(6, '0')}`,
    user: USER_IDS[index % USER_IDS.length],
    customerEmail: `bench.customer${index % USER_IDS.length}@example.in`,
    items: [
      {
        product: PRODUCT_IDS[index % PRODUCT_IDS.length],
        sku: 'BENCH-RING',
        name: 'Bench ring',
        quantity: 1,
      },
    ],
    docketNumber: docket,
    courierService: 'Sequel247',
    status: TrackingStatus.OrderPlaced,
    rawStatusCode: null,
    estimatedDelivery: null,
    history: [],
    lastScanAt: null,
    statusChangedAt: null,
    lastSyncedAt: null,
    lastAttemptAt: null,
    // Due: overdue by up to an hour, so the due set is not one instant.
    nextSyncAt: new Date(now - 1_000 - (index % 60) * 60_000),
    dueMinute: dueMinuteOf(new Date(now - 1_000 - (index % 60) * 60_000)),
    consecutiveFailures: 0,
    lastError: null,
    terminal: false,
    stale: false,
    syncSeq: 0,
    orderStatusAcknowledged: TrackingStatus.OrderPlaced,
    orderAckPending: false,
    createdAt,
    updatedAt: createdAt,
    __v: 0,
  };
  if (kind === 'terminal') {
    const at = new Date(now - DAY_MS);
    return {
      ...base,
      status: TrackingStatus.Delivered,
      rawStatusCode: 'SDELVD',
      history: [
        {
          status: TrackingStatus.Delivered,
          code: 'SDELVD',
          description: 'Delivered',
          location: null,
          occurredAt: at,
        },
      ],
      lastScanAt: at,
      statusChangedAt: at,
      lastSyncedAt: at,
      lastAttemptAt: at,
      // Terminal trackings have nextSyncAt null; half keep a past one (as a hand-edited or
      // legacy document might) to show that `terminal` alone keeps them out of a pass.
      nextSyncAt: index % 2 === 0 ? null : new Date(now - 60 * 60_000),
      dueMinute: null,
      terminal: true,
      orderStatusAcknowledged: TrackingStatus.Delivered,
    };
  }
  if (kind === 'not-due') {
    const nextSyncAt = new Date(now + (5 + (index % 25)) * 60_000);
    return { ...base, nextSyncAt, dueMinute: dueMinuteOf(nextSyncAt) };
  }
  return base;
}

async function seedTrackings(
  t: TestApp,
  groups: Array<{ kind: Kind; dockets: readonly string[] }>,
): Promise<void> {
  const now = Date.now();
  const collection = t.db.collection<{ _id: string }>('trackings');
  let index = 0;
  for (const { kind, dockets } of groups) {
    for (let i = 0; i < dockets.length; i += INSERT_CHUNK) {
      const chunk = dockets
        .slice(i, i + INSERT_CHUNK)
        .map((docket) => trackingDocument(docket, kind, index++, now));
      await collection.insertMany(chunk);
    }
  }
  // As on a service that has been running: earlier passes have walked the due slots up to the
  // oldest of these (so this pass does not first look for the earliest open slot).
  await t.db
    .collection<{ _id: string; doneThroughMinute: number }>('tracking_sync_cursors')
    .insertOne({
      _id: 'due',
      doneThroughMinute: dueMinuteOf(new Date(now - 1_000 - 59 * 60_000))! - 1,
    });
}

function countsFor(stats: SandboxStatsView, dockets: readonly string[]): number[] {
  return dockets.map((d) => stats.byDocket[d] ?? 0);
}

/** Correctness only, never timing. */
function checkCorrectness(row: Row): void {
  // The courier never heard of a terminal or not-yet-due docket (ever: they were left out of
  // the warm-up too), and the pass wrote none of them.
  expect(row.sandbox.terminalAsked).toBe(0);
  expect(row.sandbox.notDueAsked).toBe(0);
  expect(row.idleWritten).toBe(0);
  if (!row.summary) return; // a stopped pass: the rest needs the whole pass
  // Every due tracking was claimed and asked about once, and written with its lease released,
  // unless storing its batch failed: then the whole batch counts as failed and keeps its leases
  // until they expire (a later pass retries what was not written).
  expect(row.summary.claimed).toBe(row.shipments);
  expect(row.sandbox.dueDocketsAsked).toBe(row.shipments);
  const unwritten = row.shipments - row.written;
  expect(unwritten).toBeLessThanOrEqual(row.summary.failed);
  expect(row.leasesLeft).toBeGreaterThanOrEqual(unwritten);
  expect(row.leasesLeft).toBeLessThanOrEqual(row.summary.failed);
}

describe('tracking sync pass', () => {
  let sandbox: Sequel247Sandbox;
  let control: SandboxControl;
  let due: string[];
  let terminal: string[];
  let notDue: string[];
  let ferretDbPid: number | null;
  const rows: Row[] = [];
  const startedAt = new Date();

  beforeAll(async () => {
    ferretDbPid = findFerretDbPid();
    // The sandbox clock starts three days ago and is moved two days on: every shipment is
    // mid-journey with recent scans, and the clock then stands still (timeScale 0).
    sandbox = await startSequel247Sandbox({
      seed: 247,
      now: Date.now() - 3 * DAY_MS,
      // The app runs with production-like settings, which refuse the well-known sandbox token.
      token: TEST_SEQUEL247_TOKEN,
    });
    control = new SandboxControl(sandbox.controlUrl);

    const dueCount = Math.max(...RUNS.map((r) => r.shipments));
    due = [];
    while (due.length < dueCount) {
      const { dockets } = await control.bulk(Math.min(SANDBOX_BULK_MAX, dueCount - due.length));
      due.push(...dockets);
    }
    terminal = (await control.bulk(TERMINAL)).dockets;
    notDue = (await control.bulk(NOT_DUE)).dockets;
    await control.advanceClock(2 * 24 * 60);
    progress(`sandbox holds ${due.length + TERMINAL + NOT_DUE} dockets; warming up`);

    // Render every due docket once (no latency yet): the sandbox's per-docket JSON cache and
    // its request counters are full before any baseline is taken. Terminal and not-yet-due
    // dockets are left out, so the courier must never have heard of them.
    for (let i = 0; i < due.length; i += WARM_UP_BATCH) {
      const res = await fetch(`${sandbox.url}/api/trackMultiple`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: sandbox.token, dockets: due.slice(i, i + WARM_UP_BATCH) }),
      });
      await res.arrayBuffer();
      expect(res.status).toBe(200);
    }
    for (const endpoint of ['/api/trackMultiple', '/api/track']) {
      await control.fault({ type: 'latency', latencyMs: LATENCY_MS, endpoint });
    }
    progress('sandbox ready');
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  async function bootApp(run: RunSpec): Promise<TestApp> {
    const t = await createTestApp({
      mongoBaseUri: process.env.BENCH_MONGO_BASE_URI || undefined,
      env: {
        // The Orders listener warns once per event here (the benchmark seeds no orders).
        LOG_LEVEL: 'error',
        SEQUEL247_BASE_URL: sandbox.url,
        SEQUEL247_TOKEN: sandbox.token,
        SEQUEL247_BATCH_SIZE: String(run.batchSize),
        TRACKING_SYNC_CONCURRENCY: String(run.concurrency),
        // The Orders listener finds no order and acknowledges; should it fail, a long grace
        // keeps reconcile from re-sending every change within the measured pass.
        TRACKING_RECONCILE_GRACE_SECONDS: '86400',
      },
    });
    await t.app.get<Model<Tracking>>(getModelToken(Tracking.name), { strict: false }).init();
    return t;
  }

  function startProfiles(t: TestApp) {
    if (!PROFILE) return null;
    const stops = [
      profileSteps(t.app.get(TrackingPoller, { strict: false }), [
        'claimRead',
        'askCourier',
        'reconcile',
      ]),
      profileSteps(t.app.get(TrackingResultWriter, { strict: false }), [
        'write',
        'storeWrites',
        'relay',
        'publish',
        'settle',
      ]),
      profileSteps(t.app.get(TrackingLeases, { strict: false }), ['claim', 'release']),
    ];
    return () => {
      const [poller, writer, leases] = stops.map((stop) => stop());
      return {
        ...poller,
        ...writer,
        ...Object.fromEntries(Object.entries(leases).map(([k, v]) => [`leases.${k}`, v])),
      };
    };
  }

  async function runOnce(run: RunSpec): Promise<Row> {
    const label = `${run.concurrency}x${run.batchSize}@${run.shipments}`;
    const { shipments } = run;
    const loadBefore = load();
    progress(`${label}: booting the app`);
    const t = await bootApp(run);
    let appOpen = true;
    try {
      const dueHere = due.slice(0, shipments);
      const seedStarted = performance.now();
      await seedTrackings(t, [
        { kind: 'due', dockets: dueHere },
        { kind: 'terminal', dockets: terminal },
        { kind: 'not-due', dockets: notDue },
      ]);
      const seedMs = performance.now() - seedStarted;
      progress(`${label}: seeded ${shipments} due trackings in ${Math.round(seedMs)} ms`);

      const before = await control.stats();
      gc();
      gc();
      const baseline = memoryNow(ferretDbPid);
      const stopProfiles = startProfiles(t);
      const sampler = startSampler(ferretDbPid);
      const stopCounting = countQueriesIfAsked();
      const cpuBefore = processTreeCpuMs();
      const passStarted = performance.now();
      const pass = t.app
        .get(TrackingService)
        .runPass()
        .then(
          (summary) => ({ summary }),
          (error: unknown) => ({ error }),
        );
      const outcome =
        PASS_BUDGET_MS > 0 ? await Promise.race([pass, sleep(PASS_BUDGET_MS, null)]) : await pass;
      const wallMs = performance.now() - passStarted;
      const cpuMsPerShipment = cpuPerRequest(cpuBefore, processTreeCpuMs(), shipments);
      const perShipment = stopCounting(shipments);
      if (perShipment) {
        process.stderr.write(`[tracking bench] queries per shipment: ${perShipment}\n`);
        const scans = (await scanStats(t.databaseName)).filter((s) => s.rowsReadBySeqScans > 0);
        process.stderr.write(
          `[tracking bench] PostgreSQL sequential scans: ${JSON.stringify(scans)}\n`,
        );
      }
      process.stderr.write(
        `[tracking bench] ${label}: pass ${Math.round(wallMs)} ms, CPU per shipment ${JSON.stringify(cpuMsPerShipment)}\n`,
      );
      const { peak, samples } = sampler.stop();
      const steps = stopProfiles?.();
      const bounded = outcome === null;
      if (bounded) {
        // Stop the pass: with the app's connection closed its next claim fails and it ends.
        progress(`${label}: ${Math.round(wallMs)} ms budget spent; closing the app to stop it`);
        appOpen = false;
        // The batches in flight fail with "client was closed"; their error logs are expected.
        t.app.useLogger(false);
        await t.app.close();
        await pass;
      } else if ('error' in outcome) {
        throw outcome.error;
      }
      const summary = outcome && 'summary' in outcome ? outcome.summary : null;
      progress(`${label}: pass ${bounded ? 'stopped' : 'took'} ${Math.round(wallMs)} ms`);
      if (steps) progress(`${label}: time by poller step ${JSON.stringify(steps)}`);
      gc();
      gc();
      const retainedHeap = bounded ? null : process.memoryUsage().heapUsed - baseline.heapUsed;
      const after = await control.stats();
      const loadAfter = load();

      const asksOf = (dockets: readonly string[]) => {
        const now = countsFor(after, dockets);
        const then = countsFor(before, dockets);
        return now.map((n, i) => n - then[i]);
      };
      const dueAsks = asksOf(dueHere);
      const dueDocketsAsked = dueAsks.filter((n) => n > 0).length;
      // Written by the pass (every sync write bumps syncSeq); a stopped pass's progress.
      const written = await t.db.collection('trackings').countDocuments({ syncSeq: 1 });
      const endpointDelta = (endpoint: string) =>
        (after.byEndpoint[endpoint] ?? 0) - (before.byEndpoint[endpoint] ?? 0);

      const idle = [...terminal, ...notDue];
      const idleWritten = await t.db.collection<{ _id: string }>('trackings').countDocuments({
        _id: { $in: idle },
        syncSeq: { $ne: 0 },
      });
      // The pass's own leases (the outbox relay also takes a tracking's lease for a moment). A
      // stored sync keeps its lease until it expires; the others are what failed to be written.
      let leasesLeft: number | null = null;
      if (!bounded) {
        const writtenIds = new Set(
          (
            await t.db
              .collection<{ _id: string }>('trackings')
              .find({ syncSeq: 1 }, { projection: { _id: 1 } })
              .toArray()
          ).map((d) => d._id),
        );
        const left = await t.db
          .collection<{ tracking: string }>('tracking_leases')
          .find({ owner: { $not: /^outbox-relay:/ } }, { projection: { tracking: 1 } })
          .toArray();
        // Those a long pass's early batches kept have expired and been purged by now.
        const kept = left.filter((l) => writtenIds.has(l.tracking)).length;
        leasesLeft = left.length - kept;
      }

      const floorMs = (shipments * LATENCY_MS) / (run.concurrency * run.batchSize);
      const projectedFullPassMs = bounded && written > 0 ? (wallMs * shipments) / written : null;
      const timeMs = bounded ? projectedFullPassMs : wallMs;
      let counts: Row['summary'] = null;
      if (summary) {
        const { passId: _passId, startedAt: _startedAt, ...rest } = summary;
        counts = rest;
      }
      return {
        label,
        ...run,
        seedMs: Math.round(seedMs),
        bounded,
        wallMs: Math.round(wallMs),
        projectedFullPassMs: projectedFullPassMs === null ? null : Math.round(projectedFullPassMs),
        floorMs: Math.round(floorMs),
        ratioToFloor: timeMs === null ? null : round2(timeMs / floorMs),
        summary: counts,
        sandbox: {
          trackMultipleCalls: endpointDelta('/api/trackMultiple'),
          trackCalls: endpointDelta('/api/track'),
          dueDocketsAsked,
          maxAsksPerDocket: Math.max(0, ...dueAsks),
          terminalAsked: countsFor(after, terminal).reduce((sum, n) => sum + n, 0),
          notDueAsked: countsFor(after, notDue).reduce((sum, n) => sum + n, 0),
        },
        written,
        idleWritten,
        leasesLeft,
        cpuMsPerShipment,
        ...(steps ? { steps } : {}),
        memory: {
          samples,
          baselineRssMb: mb(baseline.rss),
          baselineHeapUsedMb: mb(baseline.heapUsed),
          peakRssDeltaMb: mb(peak.rss - baseline.rss),
          peakHeapUsedDeltaMb: mb(peak.heapUsed - baseline.heapUsed),
          retainedHeapMb: retainedHeap === null ? null : mb(retainedHeap),
          ferretDbBaselineRssMb: baseline.ferretDbRss === null ? null : mb(baseline.ferretDbRss),
          ferretDbPeakRssDeltaMb:
            baseline.ferretDbRss === null || peak.ferretDbRss === null
              ? null
              : mb(peak.ferretDbRss - baseline.ferretDbRss),
        },
        loadAverage: { before: loadBefore, after: loadAfter },
      };
    } finally {
      await t.db.dropDatabase().catch(() => undefined);
      if (appOpen) await t.close();
      else await t.close().catch(() => undefined);
    }
  }

  function report(): void {
    const timing = rows.map((r) => {
      const wall = r.bounded
        ? `stopped at ${r.wallMs} (${r.written} written); full ≈ ${r.projectedFullPassMs ?? '?'}`
        : String(r.wallMs);
      const calls = r.summary ? r.summary.courierCalls : '–';
      return (
        `| ${r.label} | ${r.seedMs} | ${wall} | ${r.floorMs} | ${r.ratioToFloor ?? '–'} | ` +
        `${r.summary?.claimed ?? '–'} | ${r.summary?.changed ?? '–'} | ` +
        `${r.summary?.statusChanged ?? '–'} | ${r.written} | ${r.summary?.failed ?? '–'} | ${calls} | ` +
        `${r.sandbox.trackMultipleCalls}+${r.sandbox.trackCalls} | ` +
        `${r.sandbox.terminalAsked + r.sandbox.notDueAsked} |`
      );
    });
    const memory = rows.map(
      (r) =>
        `| ${r.label}${r.bounded ? ' (window)' : ''} | ${r.memory.samples} | ` +
        `${r.memory.baselineRssMb} | ${r.memory.peakRssDeltaMb} | ${r.memory.baselineHeapUsedMb} | ` +
        `${r.memory.peakHeapUsedDeltaMb} | ${r.memory.retainedHeapMb ?? '–'} | ` +
        `${r.memory.ferretDbBaselineRssMb ?? '–'} | ${r.memory.ferretDbPeakRssDeltaMb ?? '–'} | ` +
        `${r.loadAverage.before.join(' ')} → ${r.loadAverage.after.join(' ')} |`,
    );
    console.log(
      [
        `Tracking sync pass: ${LATENCY_MS} ms injected per courier call; every run also holds ` +
          `${TERMINAL} terminal and ${NOT_DUE} not-yet-due trackings (${os.cpus().length} CPUs)`,
        '| run (concurrency x batch @ due) | seed ms | pass wall ms | floor ms | ratio | claimed | changed | status changed | written | failed | courier calls (pass) | sandbox trackMultiple+track | calls for terminal/not-due |',
        '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
        ...timing,
        '',
        'Memory (MB; deltas over the baseline taken after seeding and a full GC)',
        '| run | samples | baseline rss | peak rss Δ | baseline heapUsed | peak heapUsed Δ | heap kept after GC | FerretDB rss | FerretDB peak Δ | load avg 1/5/15 before → after |',
        '|---|---|---|---|---|---|---|---|---|---|',
        ...memory,
      ].join('\n'),
    );
    const out = path.resolve('.cache/bench/tracking-sync.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(
      out,
      `${JSON.stringify(
        {
          at: startedAt.toISOString(),
          node: process.version,
          cpus: os.cpus().length,
          latencyMs: LATENCY_MS,
          terminal: TERMINAL,
          notDue: NOT_DUE,
          sampleEveryMs: SAMPLE_EVERY_MS,
          passBudgetMs: PASS_BUDGET_MS,
          database: process.env.BENCH_MONGO_BASE_URI
            ? 'external'
            : 'FerretDB v1.24 on embedded PostgreSQL 16 (GIN index twins)',
          rows,
        },
        null,
        2,
      )}\n`,
    );
  }

  for (const run of RUNS) {
    it(`passes over ${run.shipments} due shipments at concurrency ${run.concurrency}, batch ${run.batchSize}`, async () => {
      const row = await runOnce(run);
      rows.push(row);
      report();
      checkCorrectness(row);
    });
  }
});
