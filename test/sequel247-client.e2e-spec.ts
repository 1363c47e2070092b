import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Sequel247AuthError,
  Sequel247BadResponseError,
  Sequel247CircuitOpenError,
  Sequel247DocketNotFoundError,
  Sequel247Error,
  Sequel247RateLimitedError,
  Sequel247RequestRejectedError,
  Sequel247UnavailableError,
} from '../src/courier/sequel247/sequel247.errors.js';
import type { CreateShipmentInput } from '../src/courier/sequel247/sequel247-client.interface.js';
import type { Sequel247HttpClient } from '../src/courier/sequel247/sequel247-http.client.js';
import { TrackingStatus } from '../src/courier/tracking-status.js';
import {
  Sequel247Sandbox,
  startSequel247Sandbox,
} from '../src/dev/sequel247-sandbox/sequel247-sandbox.js';
import {
  CompiledSequel247Client,
  compileSequel247Client,
  SandboxControl,
} from './support/sequel247-sandbox.js';

/**
 * The client against the sandbox over real HTTP: no request mocking. Retries are counted at
 * the sandbox (its /__sandbox/stats), waits are measured on the wall clock.
 */

const TOKEN = 'feedfacecafebeef0123456789abcdef';
let sandbox: Sequel247Sandbox;
let control: SandboxControl;
const compiled: CompiledSequel247Client[] = [];
const logged: string[] = [];

async function clientWith(overrides: Record<string, string> = {}): Promise<Sequel247HttpClient> {
  const c = await compileSequel247Client({
    SEQUEL247_BASE_URL: sandbox.url,
    SEQUEL247_TOKEN: TOKEN,
    SEQUEL247_TIMEOUT_MS: '2000',
    SEQUEL247_RETRIES: '2',
    SEQUEL247_RETRY_BASE_MS: '20',
    SEQUEL247_BATCH_SIZE: '5',
    SEQUEL247_BREAKER_THRESHOLD: '100',
    SEQUEL247_BREAKER_COOLDOWN_MS: '300',
    ...overrides,
  });
  compiled.push(c);
  return c.client;
}

async function caught(promise: Promise<unknown>): Promise<Sequel247Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(Sequel247Error);
    return error as Sequel247Error;
  }
  throw new Error('expected the call to fail');
}

async function requestsTo(endpoint: string): Promise<number> {
  return (await control.stats()).byEndpoint[endpoint] ?? 0;
}

const booking: CreateShipmentInput = {
  reference: 'ORD-1001',
  serviceType: 'valuable',
  consignee: {
    name: 'Asha Rao',
    phone: '9876543210',
    addressLine1: '12 MG Road',
    addressLine2: 'Indiranagar',
    pincode: '400001',
  },
  netWeightGrams: 25,
  grossWeightGrams: 120,
  netValuePaise: 4_999_900,
  codValuePaise: 0,
  packages: 1,
};

let client: Sequel247HttpClient;

beforeAll(async () => {
  sandbox = await startSequel247Sandbox({
    token: TOKEN,
    seed: 11,
    now: Date.parse('2024-03-01T04:30:00Z'),
  });
  control = new SandboxControl(sandbox.controlUrl);
  for (const level of ['log', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(Logger.prototype, level).mockImplementation((message: unknown) => {
      logged.push(`${level}: ${String(message)}`);
    });
  }
  client = await clientWith();
});

afterAll(async () => {
  for (const c of compiled) await c.close();
  await sandbox.stop();
  vi.restoreAllMocks();
});

beforeEach(async () => {
  await control.reset();
  logged.length = 0;
});

afterEach(() => {
  // Whatever happened, the token never reached a log line.
  expect(logged.filter((line) => line.includes(TOKEN))).toEqual([]);
});

describe('Sequel247 client against the sandbox: reading tracking', () => {
  it('tracks one docket into domain values with UTC times, null locations and the ETA', async () => {
    const { docket } = await control.createDocket({ scenario: 'delivered', destination: '400001' });
    const snapshot = await control.advance(docket, 7);

    const tracking = await client.track(docket);

    expect(tracking.docketNumber).toBe(docket);
    expect(tracking.rawStatusCode).toBe('SDELVD');
    expect(tracking.status).toBe(TrackingStatus.Delivered);
    expect(tracking.scans).toHaveLength(8);
    const created = tracking.scans.find((s) => s.code === 'SCREATED')!;
    expect(created.status).toBe(TrackingStatus.OrderPlaced);
    expect(created.location).toBe('BANGALORE');
    // The sandbox said "2024-03-01 10:00:00" (IST): 04:30 UTC.
    expect(snapshot.scans[0].dateTime).toBe('2024-03-01 10:00:00');
    expect(created.occurredAt.toISOString()).toBe('2024-03-01T04:30:00.000Z');
    expect(tracking.scans.find((s) => s.code === 'SDELASN')!.location).toBeNull();
    expect(tracking.estimatedDelivery?.toISOString()).toBe(snapshot.eta);
  });

  it('tracks many dockets through trackMultiple in chunks of the batch size', async () => {
    const { dockets } = await control.bulk(12);
    const unknown = ['0000000001', '0000000002'];

    const result = await client.trackMany([...dockets, ...unknown, dockets[0]]);

    expect(result.found.map((t) => t.docketNumber).sort()).toEqual([...dockets].sort());
    expect(result.found.every((t) => t.status === TrackingStatus.OrderPlaced)).toBe(true);
    expect(result.notFound.map((n) => n.docketNumber).sort()).toEqual(unknown);
    expect(result.notFound[0].reason).toBe('No Tracking Information found');
    // 14 distinct dockets in batches of 5.
    expect(await requestsTo('/api/trackMultiple')).toBe(3);
  });

  it('accepts the data[] shape of trackMultiple too', async () => {
    await control.settings({ trackMultipleShape: 'array' });
    const { dockets } = await control.bulk(3, 'failed-attempt');
    await control.advance(dockets[0], 7);

    const result = await client.trackMany([...dockets, '0000000009']);

    expect(result.found).toHaveLength(3);
    expect(result.found.find((t) => t.docketNumber === dockets[0])?.status).toBe(
      TrackingStatus.DeliveryFailed,
    );
    expect(result.notFound).toEqual([
      { docketNumber: '0000000009', reason: 'Not in the courier response' },
    ]);
  });

  it('keeps an unknown courier code raw with a null status and warns once per code', async () => {
    const { docket } = await control.createDocket();
    await control.addScan(docket, { code: 'SMYSTERY', description: 'New code', location: null });

    const first = await client.track(docket);
    await client.trackMany([docket]);

    expect(first.rawStatusCode).toBe('SMYSTERY');
    expect(first.status).toBeNull();
    expect(first.scans.find((s) => s.code === 'SMYSTERY')).toMatchObject({
      status: null,
      location: null,
    });
    expect(logged.filter((l) => l.startsWith('warn') && l.includes('SMYSTERY'))).toHaveLength(1);
  });

  it('passes duplicate and out-of-order scans through as the courier sent them', async () => {
    const { docket } = await control.createDocket();
    await control.advance(docket, 2);
    await control.addScan(docket, {
      code: 'SPU',
      description: 'Shipment Picked Up',
      dateTime: '2024-03-01 09:00:00',
      setStatus: false,
    });

    const tracking = await client.track(docket);

    expect(tracking.rawStatusCode).toBe('SCHECKIN');
    expect(tracking.scans.filter((s) => s.code === 'SPU')).toHaveLength(2);
    expect(tracking.scans[0].occurredAt.toISOString()).toBe('2024-03-01T03:30:00.000Z');
  });

  it('releases its keep-alive sockets when the Nest application shuts down', async () => {
    const own = await compileSequel247Client({
      SEQUEL247_BASE_URL: sandbox.url,
      SEQUEL247_TOKEN: TOKEN,
    });
    const close = vi.spyOn(own.client, 'close');
    await own.close();
    expect(close).toHaveBeenCalledOnce();
  });

  it('throws DocketNotFound for a docket the courier does not know, without retrying', async () => {
    const error = await caught(client.track('0999999999'));

    expect(error).toBeInstanceOf(Sequel247DocketNotFoundError);
    expect(error.kind).toBe('not_found');
    expect(await requestsTo('/api/track')).toBe(1);
  });
});

describe('Sequel247 client against the sandbox: the other endpoints', () => {
  it('checks serviceability, turning a refused pincode into "not serviceable"', async () => {
    expect(await client.checkServiceability('560001')).toEqual({
      pincode: '560001',
      city: 'BANGALORE',
      state: 'Karnataka',
      hub: 'BANGALORE HUB',
      pickupAvailable: true,
      deliveryAvailable: true,
      codAllowed: true,
      rtoAllowed: true,
    });
    expect(await client.checkServiceability('781001')).toMatchObject({
      city: 'GUWAHATI',
      pickupAvailable: false,
      codAllowed: false,
    });
    expect(await client.checkServiceability('791001')).toMatchObject({
      city: null,
      deliveryAvailable: true,
    });
    expect(await client.checkServiceability('999999')).toMatchObject({
      deliveryAvailable: false,
      pickupAvailable: false,
    });
  });

  it('estimates a delivery date as the end of the delivery day in IST', async () => {
    const eta = await client.estimateDelivery({
      originPincode: '560001',
      destinationPincode: '400001',
      pickupDate: new Date('2024-03-01T06:00:00Z'),
    });
    // Different region: 3 days; 20:00 IST = 14:30 UTC.
    expect(eta?.toISOString()).toBe('2024-03-04T14:30:00.000Z');
    expect(
      await client.estimateDelivery({
        originPincode: '560001',
        destinationPincode: '999999',
        pickupDate: new Date(),
      }),
    ).toBeNull();
  });

  it('books a shipment, tracks it, cancels it, and cancelling twice is harmless', async () => {
    const created = await client.createShipment(booking);

    expect(created.docketNumber).toMatch(/^\d{10}$/);
    expect(created.brn).toMatch(/^BRN/);
    expect(created.labelUrl).toBe(`${sandbox.url}/labels/${created.docketNumber}.pdf`);
    expect(created.estimatedDelivery).toBeInstanceOf(Date);
    expect((await client.track(created.docketNumber)).status).toBe(TrackingStatus.OrderPlaced);

    await client.cancelShipment(created.docketNumber, 'Customer changed their mind');
    await client.cancelShipment(created.docketNumber, 'Customer changed their mind');

    const tracking = await client.track(created.docketNumber);
    expect(tracking.status).toBe(TrackingStatus.Cancelled);
    expect(tracking.estimatedDelivery).toBeNull();
  });

  it('reports a booking the courier refuses as a rejection with its field errors', async () => {
    const error = await caught(
      client.createShipment({ ...booking, consignee: { ...booking.consignee, pincode: '12' } }),
    );
    expect(error).toBeInstanceOf(Sequel247RequestRejectedError);
    expect(error.details).toMatchObject({
      errorInfo: { 'toAddress.pinCode': 'The pin code must be 6 digits.' },
    });
  });

  it('refuses to cancel a shipment that is out for delivery', async () => {
    const { docket } = await control.createDocket();
    await control.advance(docket, 6);
    const error = await caught(client.cancelShipment(docket, 'too late'));
    expect(error).toBeInstanceOf(Sequel247RequestRejectedError);
    expect(error.message).toContain('SDELASN');
  });

  it('gives the proof-of-delivery link only once delivered', async () => {
    const { docket } = await control.createDocket();
    expect(await client.proofOfDeliveryLink(docket)).toBeNull();
    await control.advance(docket, 7);
    expect(await client.proofOfDeliveryLink(docket)).toBe(`${sandbox.url}/pod/${docket}.pdf`);
    await expect(client.proofOfDeliveryLink('0999999999')).rejects.toBeInstanceOf(
      Sequel247DocketNotFoundError,
    );
  });
});

describe('Sequel247 client against the sandbox: faults', () => {
  let docket: string;
  beforeEach(async () => {
    docket = (await control.createDocket()).docket;
  });

  it('retries a 5xx with backoff and succeeds when the courier recovers', async () => {
    await control.fault({ type: 'http5xx', status: 502, count: 2 });
    const tracking = await client.track(docket);
    expect(tracking.docketNumber).toBe(docket);
    expect((await control.stats()).byDocket[docket]).toBe(3);
  });

  it('gives up on a persistent 5xx after the configured retries with an unavailable error', async () => {
    await control.fault({ type: 'http5xx' });
    const error = await caught(client.track(docket));
    expect(error).toBeInstanceOf(Sequel247UnavailableError);
    expect(error.kind).toBe('unavailable');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('HTTP 503');
    expect((await control.stats()).byDocket[docket]).toBe(3);
  });

  it('retries a dropped connection', async () => {
    await control.fault({ type: 'drop', count: 1 });
    expect((await client.track(docket)).docketNumber).toBe(docket);
    expect((await control.stats()).byDocket[docket]).toBe(2);
  });

  it('reports connections that keep dropping as unavailable', async () => {
    await control.fault({ type: 'drop' });
    const error = await caught(client.track(docket));
    expect(error).toBeInstanceOf(Sequel247UnavailableError);
    expect(error.message).toMatch(/connection dropped|network error/);
    expect((await control.stats()).byDocket[docket]).toBe(3);
  });

  it('times out a slow courier at the configured timeout and retries', async () => {
    const quick = await clientWith({ SEQUEL247_TIMEOUT_MS: '200', SEQUEL247_RETRIES: '1' });
    await control.fault({ type: 'latency', latencyMs: 600 });
    const started = Date.now();
    const error = await caught(quick.track(docket));
    expect(error).toBeInstanceOf(Sequel247UnavailableError);
    expect(error.message).toContain('timed out after 200 ms');
    expect(Date.now() - started).toBeLessThan(1500);
    expect((await control.stats()).byDocket[docket]).toBe(2);
  });

  it('tolerates latency below the timeout', async () => {
    await control.fault({ type: 'latency', latencyMs: 100 });
    const started = Date.now();
    await client.track(docket);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect((await control.stats()).byDocket[docket]).toBe(1);
  });

  it('waits what Retry-After asks on a 429 before retrying', async () => {
    await control.fault({ type: 'rate-limit', retryAfterSeconds: 1, count: 1 });
    const started = Date.now();
    const tracking = await client.track(docket);
    const elapsed = Date.now() - started;
    expect(tracking.docketNumber).toBe(docket);
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(1900);
    expect((await control.stats()).byDocket[docket]).toBe(2);
  });

  it('raises a rate-limit error carrying Retry-After when 429s outlast the retries', async () => {
    await control.fault({ type: 'rate-limit', retryAfterSeconds: 1 });
    const quick = await clientWith({ SEQUEL247_RETRIES: '1' });
    const started = Date.now();
    const error = await caught(quick.track(docket));
    expect(error).toBeInstanceOf(Sequel247RateLimitedError);
    expect(error.kind).toBe('rate_limited');
    expect((error as Sequel247RateLimitedError).retryAfterMs).toBe(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect((await control.stats()).byDocket[docket]).toBe(2);
  });

  it('does not wait for a Retry-After longer than the timeout: it hands it to the caller', async () => {
    await control.fault({ type: 'rate-limit', retryAfterSeconds: 30 });
    const started = Date.now();
    const error = await caught(client.track(docket));
    expect(error).toBeInstanceOf(Sequel247RateLimitedError);
    expect((error as Sequel247RateLimitedError).retryAfterMs).toBe(30_000);
    expect(Date.now() - started).toBeLessThan(500);
    expect((await control.stats()).byDocket[docket]).toBe(1);
  });

  it.each([['truncated'], ['html'], ['wrong-shape']] as const)(
    'reports a malformed (%s) body as a bad response, logged trimmed and not retried',
    async (variant) => {
      await control.fault({ type: 'malformed', variant });
      const error = await caught(client.track(docket));
      expect(error).toBeInstanceOf(Sequel247BadResponseError);
      expect(error.retryable).toBe(false);
      expect((await control.stats()).byDocket[docket]).toBe(1);
      expect(logged.some((l) => l.startsWith('error') && l.includes('body:'))).toBe(true);
    },
  );

  it('reports code 103 (account not active) as an auth error, not retried', async () => {
    await control.fault({ type: 'account-inactive' });
    const error = await caught(client.track(docket));
    expect(error).toBeInstanceOf(Sequel247AuthError);
    expect(error.code).toBe('SEQUEL247_AUTH_FAILED');
    expect(error.message).toContain('company status not active');
    expect((await control.stats()).byDocket[docket]).toBe(1);
  });

  it('reports a wrong token as an auth error, not retried, without the token in it', async () => {
    const wrong = await clientWith({ SEQUEL247_TOKEN: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' });
    const error = await caught(wrong.track(docket));
    expect(error).toBeInstanceOf(Sequel247AuthError);
    expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain('aaaaaaaa');
    expect((await control.stats()).byDocket[docket]).toBe(1);
  });

  it('applies a docket fault to that docket only', async () => {
    const other = (await control.createDocket()).docket;
    await control.fault({ type: 'http5xx', docket });
    await expect(client.track(other)).resolves.toMatchObject({ docketNumber: other });
    await expect(client.track(docket)).rejects.toBeInstanceOf(Sequel247UnavailableError);
    await expect(client.trackMany([other, docket])).rejects.toBeInstanceOf(
      Sequel247UnavailableError,
    );
  });

  it('does not retry a booking after a 5xx: the courier may have booked it', async () => {
    await control.fault({ type: 'http5xx', endpoint: '/api/shipment/create' });
    const error = await caught(client.createShipment(booking));
    expect(error).toBeInstanceOf(Sequel247UnavailableError);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('outcome unknown');
    expect(await requestsTo('/api/shipment/create')).toBe(1);
  });

  it('does retry a booking after a 429, which proves nothing was booked', async () => {
    await control.fault({ type: 'rate-limit', retryAfterSeconds: 0, count: 1 });
    const created = await client.createShipment(booking);
    expect(created.docketNumber).toMatch(/^\d{10}$/);
    expect(await requestsTo('/api/shipment/create')).toBe(2);
  });

  it('reports a refused connection as unavailable', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const nowhere = await clientWith({ SEQUEL247_BASE_URL: `http://127.0.0.1:${port}` });
    const error = await caught(nowhere.track(docket));
    expect(error).toBeInstanceOf(Sequel247UnavailableError);
    expect(error.message).toContain('connection refused');
  });

  it('never puts the token in an error message or details', async () => {
    const errors: Sequel247Error[] = [];
    for (const type of ['http5xx', 'malformed', 'account-inactive', 'drop'] as const) {
      await control.clearFaults();
      await control.fault({ type });
      errors.push(await caught(client.track(docket)));
    }
    await control.clearFaults();
    errors.push(await caught(client.track('0999999999')));
    for (const error of errors) {
      expect(`${error.message} ${JSON.stringify(error.details)} ${error.stack}`).not.toContain(
        TOKEN,
      );
    }
  });
});

describe('Sequel247 client against the sandbox: circuit breaker', () => {
  let docket: string;
  let guarded: Sequel247HttpClient;
  beforeEach(async () => {
    docket = (await control.createDocket()).docket;
    guarded = await clientWith({
      SEQUEL247_RETRIES: '0',
      SEQUEL247_BREAKER_THRESHOLD: '2',
      SEQUEL247_BREAKER_COOLDOWN_MS: '300',
    });
  });

  it('opens after consecutive failures and stops calling the courier while open', async () => {
    await control.fault({ type: 'http5xx' });
    await caught(guarded.track(docket));
    await caught(guarded.track(docket));
    expect(guarded.circuitState).toBe('open');

    const error = await caught(guarded.track(docket));
    expect(error).toBeInstanceOf(Sequel247CircuitOpenError);
    expect(error.kind).toBe('unavailable');
    await caught(guarded.trackMany([docket]));
    expect((await control.stats()).total).toBe(2);
  });

  it('probes after the cool-down and closes when the courier is back', async () => {
    await control.fault({ type: 'http5xx' });
    await caught(guarded.track(docket));
    await caught(guarded.track(docket));
    await control.clearFaults();
    await expect(guarded.track(docket)).rejects.toBeInstanceOf(Sequel247CircuitOpenError);

    await new Promise((resolve) => setTimeout(resolve, 320));
    expect(guarded.circuitState).toBe('half-open');
    await expect(guarded.track(docket)).resolves.toMatchObject({ docketNumber: docket });
    expect(guarded.circuitState).toBe('closed');
    await expect(guarded.track(docket)).resolves.toMatchObject({ docketNumber: docket });
    expect((await control.stats()).total).toBe(4);
  });

  it('reopens for another cool-down when the probe fails', async () => {
    await control.fault({ type: 'drop' });
    await caught(guarded.track(docket));
    await caught(guarded.track(docket));
    await new Promise((resolve) => setTimeout(resolve, 320));

    expect(await caught(guarded.track(docket))).toBeInstanceOf(Sequel247UnavailableError);
    expect(await caught(guarded.track(docket))).toBeInstanceOf(Sequel247CircuitOpenError);
    expect((await control.stats()).total).toBe(3);
  });

  it('is not opened by answers that prove the courier is up (auth, not found, bad body)', async () => {
    await control.fault({ type: 'account-inactive', endpoint: '/api/track', docket });
    await control.fault({ type: 'malformed', count: 2, endpoint: '/api/trackMultiple' });
    for (let i = 0; i < 2; i++) {
      expect(await caught(guarded.track(docket))).toBeInstanceOf(Sequel247AuthError);
      expect(await caught(guarded.trackMany([docket]))).toBeInstanceOf(Sequel247BadResponseError);
      expect(await caught(guarded.track('0999999999'))).toBeInstanceOf(
        Sequel247DocketNotFoundError,
      );
    }
    expect(guarded.circuitState).toBe('closed');
    expect((await control.stats()).total).toBe(6);
  });
});
