import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sequel247HttpClient } from '../../src/courier/sequel247/sequel247-http.client.js';
import {
  Sequel247Sandbox,
  startSequel247Sandbox,
} from '../../src/dev/sequel247-sandbox/sequel247-sandbox.js';
import { SandboxControl } from '../support/sequel247-sandbox.js';

/**
 * Throughput of the Sequel247 client: 10,000 dockets tracked with `trackMany` against the
 * sandbox over HTTP, with 50 ms injected on every trackMultiple call, at several concurrency
 * levels (batches in flight at once, as the tracking sync runs them). The floor is the time the
 * latency alone imposes: dockets × latency ÷ (concurrency × batch size). Asserts correctness
 * only; the numbers are printed and written to .cache/bench/sequel247-client.json.
 */

const DOCKETS = 10_000;
const LATENCY_MS = 50;
const BATCH_SIZE = 50;
const CONCURRENCY_LEVELS = [1, 4, 16, 64];

interface Row {
  concurrency: number;
  batchSize: number;
  dockets: number;
  calls: number;
  wallMs: number;
  docketsPerSecond: number;
  floorMs: number;
  ratioToFloor: number;
}

async function trackAll(
  client: Sequel247HttpClient,
  dockets: string[],
  concurrency: number,
): Promise<number> {
  const batches: string[][] = [];
  for (let i = 0; i < dockets.length; i += BATCH_SIZE)
    batches.push(dockets.slice(i, i + BATCH_SIZE));
  let next = 0;
  let found = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      const result = await client.trackMany(batch);
      found += result.found.length;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return found;
}

describe('Sequel247 client throughput', () => {
  let sandbox: Sequel247Sandbox;
  let control: SandboxControl;
  let client: Sequel247HttpClient;

  beforeAll(async () => {
    sandbox = await startSequel247Sandbox({ seed: 247, now: Date.parse('2024-03-01T04:30:00Z') });
    control = new SandboxControl(sandbox.controlUrl);
    client = new Sequel247HttpClient({
      baseUrl: sandbox.url,
      token: sandbox.token,
      timeoutMs: 15_000,
      retries: 3,
      retryBaseMs: 500,
      batchSize: BATCH_SIZE,
      breakerThreshold: 5,
      breakerCooldownMs: 30_000,
      storeCode: 'DOCKET01',
    });
  });

  afterAll(async () => {
    client.close();
    await sandbox.stop();
  });

  it(`tracks ${DOCKETS} dockets with ${LATENCY_MS} ms latency at concurrency ${CONCURRENCY_LEVELS.join('/')}`, async () => {
    const { dockets } = await control.bulk(DOCKETS);
    await control.advanceClock(2 * 24 * 60); // mid-journey: several scans per docket
    expect(new Set(dockets).size).toBe(DOCKETS);
    await control.fault({ type: 'latency', latencyMs: LATENCY_MS, endpoint: '/api/trackMultiple' });
    await trackAll(client, dockets.slice(0, BATCH_SIZE * 4), 4); // warm up sockets and JIT

    const rows: Row[] = [];
    for (const concurrency of CONCURRENCY_LEVELS) {
      await control.resetStats();
      const started = performance.now();
      const found = await trackAll(client, dockets, concurrency);
      const wallMs = performance.now() - started;
      expect(found).toBe(DOCKETS);
      const calls = (await control.stats()).byEndpoint['/api/trackMultiple'];
      expect(calls).toBe(DOCKETS / BATCH_SIZE);
      const floorMs = (DOCKETS * LATENCY_MS) / (concurrency * BATCH_SIZE);
      rows.push({
        concurrency,
        batchSize: BATCH_SIZE,
        dockets: DOCKETS,
        calls,
        wallMs: Math.round(wallMs),
        docketsPerSecond: Math.round((DOCKETS / wallMs) * 1000),
        floorMs: Math.round(floorMs),
        ratioToFloor: Math.round((wallMs / floorMs) * 100) / 100,
      });
    }

    const header = '| concurrency | batch size | wall ms | dockets/s | floor ms | ratio to floor |';
    const lines = rows.map(
      (r) =>
        `| ${r.concurrency} | ${r.batchSize} | ${r.wallMs} | ${r.docketsPerSecond} | ${r.floorMs} | ${r.ratioToFloor} |`,
    );
    console.log(
      [
        `Sequel247 client: ${DOCKETS} dockets, ${LATENCY_MS} ms injected latency per trackMultiple`,
        header,
        '|---|---|---|---|---|---|',
        ...lines,
      ].join('\n'),
    );
    const out = path.resolve('.cache/bench/sequel247-client.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(
      out,
      `${JSON.stringify({ at: new Date().toISOString(), node: process.version, latencyMs: LATENCY_MS, rows }, null, 2)}\n`,
    );
  });
});
