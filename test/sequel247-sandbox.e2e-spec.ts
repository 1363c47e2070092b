import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_TOKEN } from '../src/config/sequel247.config.js';
import { startEmbeddedDependencies } from '../src/dev/embedded/embedded-dependencies.js';
import {
  Sequel247Sandbox,
  startSequel247Sandbox,
} from '../src/dev/sequel247-sandbox/sequel247-sandbox.js';
import { SandboxControl } from './support/sequel247-sandbox.js';

/** The sandbox over raw HTTP: the courier's wire format and the control API, as frontends see them. */

let sandbox: Sequel247Sandbox;
let control: SandboxControl;

async function courier(path: string, body: unknown, init: RequestInit = {}) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserting on raw courier JSON
  return { status: res.status, body: JSON.parse(text) as Record<string, any> };
}

beforeAll(async () => {
  sandbox = await startSequel247Sandbox({ seed: 5, now: Date.parse('2024-03-01T04:30:00Z') });
  control = new SandboxControl(sandbox.controlUrl);
});

afterAll(async () => {
  await sandbox.stop();
});

beforeEach(async () => {
  await control.reset();
});

describe('Sequel247 sandbox: the courier API', () => {
  it('answers track in the confirmed envelope with IST times in both formats', async () => {
    const { docket } = await control.createDocket({ destination: '110001' });
    await control.advance(docket, 2);

    const { status, body } = await courier('/api/track', { token: SANDBOX_TOKEN, docket });

    expect(status).toBe(200);
    expect(body.status).toBe('true');
    expect(body.data).toMatchObject({ docket_no: docket, shipment_status: 'SCHECKIN' });
    expect(body.data.estimated_delivery).toMatch(/^\d{2}-\d{2}-\d{4} 20:00$/);
    expect(body.data.tracking).toHaveLength(3);
    expect(body.data.tracking[2]).toEqual({
      description: 'Shipment is Created',
      location: 'BANGALORE',
      date_time: '2024-03-01 10:00:00',
      code: 'SCREATED',
    });
    for (const scan of body.data.tracking) {
      expect(scan.date_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    }
  });

  it('checks the token in the JSON body and refuses a wrong one', async () => {
    const { docket } = await control.createDocket();
    const { status, body } = await courier('/api/track', { token: 'nope', docket });
    expect(status).toBe(401);
    expect(body).toMatchObject({ status: 'false', code: 101 });
  });

  it('answers an unknown docket with status "false" on HTTP 200, like the real service', async () => {
    const { status, body } = await courier('/api/track', {
      token: SANDBOX_TOKEN,
      docket: '0000000001',
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'false',
      message: 'No Tracking Information found',
      errorInfo: { docket: 'No Tracking Information found' },
      code: 105,
    });
  });

  it('answers trackMultiple with successShipments and errorShipments by default', async () => {
    const { docket } = await control.createDocket();
    const { body } = await courier('/api/trackMultiple', {
      token: SANDBOX_TOKEN,
      dockets: [docket, '0000000001'],
    });
    expect(Object.keys(body.successShipments)).toEqual([docket]);
    expect(body.errorShipments).toEqual({
      '0000000001': { docketNo: 'No Tracking Information found' },
    });
  });

  it('books a shipment with a 10-digit docket and the misspelt estiimated_delivery', async () => {
    const { body } = await courier('/api/shipment/create', {
      token: SANDBOX_TOKEN,
      location: 'domestic',
      shipmentType: 'D&J',
      serviceType: 'valuable',
      fromStoreCode: 'DOCKET01',
      toAddress: {
        consignee_name: 'Asha',
        address_line1: '1 Road',
        pinCode: '600001',
        auth_receiver_name: 'Asha',
        auth_receiver_phone: '9876543210',
      },
      net_weight: '20',
      net_value: '50000',
      no_of_packages: '1',
    });
    expect(body.status).toBe('true');
    expect(body.data.docket_number).toMatch(/^\d{10}$/);
    expect(body.data.estiimated_delivery).toMatch(/^\d{2}-\d{2}-\d{4} 20:00$/);
    expect(body.data).not.toHaveProperty('estimated_delivery');
    const snapshot = await control.docket(body.data.docket_number as string);
    expect(snapshot.status).toBe('SCREATED');
  });

  it('rejects non-POST calls, bad JSON and unknown endpoints', async () => {
    expect(
      (await courier('/api/track', undefined, { method: 'GET', body: undefined })).status,
    ).toBe(405);
    expect((await courier('/api/track', '{"token":')).status).toBe(400);
    expect((await courier('/api/nothing', { token: SANDBOX_TOKEN })).status).toBe(404);
  });

  it('serves a public tracking page for people', async () => {
    const { docket } = await control.createDocket();
    const res = await fetch(`${sandbox.url}/track/${docket}`);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain(`Docket ${docket}`);
  });
});

describe('Sequel247 sandbox: the control API', () => {
  it('creates a docket with a chosen number, scenario and destination', async () => {
    const snapshot = await control.createDocket({
      docket: '0012345678',
      scenario: 'return-to-origin',
      destination: '700001',
    });
    expect(snapshot).toMatchObject({
      docket: '0012345678',
      scenario: 'return-to-origin',
      status: 'SCREATED',
      remainingSteps: 12,
    });
    await expect(control.createDocket({ docket: '0012345678' })).rejects.toThrow(/409/);
    await expect(control.createDocket({ scenario: 'teleported' })).rejects.toThrow(/400/);
    await expect(control.docket('0000000000')).rejects.toThrow(/404/);
  });

  it('advances the clock, playing every scan that falls due', async () => {
    const { dockets } = await control.bulk(5, 'delivered');
    const { scansIssued } = await control.advanceClock(30 * 24 * 60);
    expect(scansIssued).toBe(5 * 7);
    for (const docket of dockets) expect((await control.docket(docket)).status).toBe('SDELVD');
  });

  it('sets a status code directly, known or not', async () => {
    const { docket } = await control.createDocket();
    await control.setStatus(docket, 'SWHATEVER');
    const { body } = await courier('/api/track', { token: SANDBOX_TOKEN, docket });
    expect(body.data.shipment_status).toBe('SWHATEVER');
  });

  it('lists and removes faults one by one', async () => {
    const { id } = await control.fault({ type: 'http5xx', status: 500 });
    await control.fault({ type: 'latency', latencyMs: 10 });
    expect((await control.request<{ faults: unknown[] }>('GET', '/faults')).faults).toHaveLength(2);
    await control.request('DELETE', `/faults/${id}`);
    const { faults } = await control.request<{ faults: Array<{ type: string }> }>('GET', '/faults');
    expect(faults.map((f) => f.type)).toEqual(['latency']);
  });

  it('counts requests per endpoint and per docket, and resets the counts', async () => {
    const { docket } = await control.createDocket();
    await courier('/api/track', { token: SANDBOX_TOKEN, docket });
    await courier('/api/trackMultiple', { token: SANDBOX_TOKEN, dockets: [docket] });
    expect(await control.stats()).toEqual({
      total: 2,
      byEndpoint: { '/api/track': 1, '/api/trackMultiple': 1 },
      byDocket: { [docket]: 2 },
      faultsInjected: {},
    });
    await control.resetStats();
    expect((await control.stats()).total).toBe(0);
  });

  it('replays the same dockets after a reset with the same seed', async () => {
    await control.reset(99);
    const first = (await control.bulk(5)).dockets;
    await control.reset(99);
    expect((await control.bulk(5)).dockets).toEqual(first);
    await control.reset(100);
    expect((await control.bulk(5)).dockets).not.toEqual(first);
  });

  it('describes itself at /__sandbox', async () => {
    const help = await control.request<{ scenarios: string[]; faults: string[] }>('GET', '');
    expect(help.scenarios).toContain('failed-attempt');
    expect(help.faults).toContain('rate-limit');
  });
});

describe('embedded dependencies', () => {
  it('start the sandbox when SEQUEL247_BASE_URL is unset and point the app at it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'docket-embedded-'));
    const env: NodeJS.ProcessEnv = {
      NODE_ENV: 'development',
      MONGODB_URI: 'mongodb://127.0.0.1:1/unused',
      SEQUEL247_SANDBOX_PORT: String(sandbox.port), // busy: falls back to a free port
      // Its state file goes beside this folder, never into the checkout's .data/.
      EMBEDDED_DB_DIR: path.join(dataDir, 'postgres'),
    };
    const embedded = await startEmbeddedDependencies(env);
    try {
      expect(env.SEQUEL247_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(env.SEQUEL247_BASE_URL).not.toBe(sandbox.url);
      expect(env.SEQUEL247_TOKEN).toBe(SANDBOX_TOKEN);
      expect(embedded.started.join('\n')).toContain('Sequel247 sandbox');
      // The demo polls the 60x sandbox every minute, not every 30 (its clock's half hour).
      expect(env.TRACKING_POLL_MINUTES).toBe('1');
      expect(env.TRACKING_OUT_FOR_DELIVERY_POLL_MINUTES).toBe('1');
      const res = await fetch(`${env.SEQUEL247_BASE_URL}/api/checkServiceability`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: SANDBOX_TOKEN, pin_code: '560001' }),
      });
      expect(((await res.json()) as { status: string }).status).toBe('true');
    } finally {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('start nothing when SEQUEL247_BASE_URL is set', async () => {
    const env: NodeJS.ProcessEnv = {
      NODE_ENV: 'development',
      MONGODB_URI: 'mongodb://127.0.0.1:1/unused',
      SEQUEL247_BASE_URL: 'https://test.sequel247.com',
      SMTP_URL: 'smtp://127.0.0.1:1',
    };
    const embedded = await startEmbeddedDependencies(env);
    expect(embedded.started).toEqual([]);
    await embedded.stop();
  });
});
