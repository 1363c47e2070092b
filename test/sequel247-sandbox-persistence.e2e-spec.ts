import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SANDBOX_TOKEN } from '../src/config/sequel247.config.js';
import {
  Sequel247Sandbox,
  startSequel247Sandbox,
} from '../src/dev/sequel247-sandbox/sequel247-sandbox.js';
import { SandboxControl } from './support/sequel247-sandbox.js';

/** The sandbox with a state file, stopped and started again, as `npm start` restarts it. */

const START = Date.parse('2024-03-01T04:30:00Z'); // 10:00 IST
const quiet = { log: () => undefined, warn: vi.fn() };

let dir: string;
let stateFile: string;
const running: Sequel247Sandbox[] = [];

async function start(): Promise<{ sandbox: Sequel247Sandbox; control: SandboxControl }> {
  const sandbox = await startSequel247Sandbox({
    seed: 5,
    now: START,
    timeScale: 0,
    stateFile,
    logger: quiet,
  });
  running.push(sandbox);
  return { sandbox, control: new SandboxControl(sandbox.controlUrl) };
}

async function stop(sandbox: Sequel247Sandbox): Promise<void> {
  running.splice(running.indexOf(sandbox), 1);
  await sandbox.stop();
}

async function courier(sandbox: Sequel247Sandbox, endpoint: string, body: object) {
  const res = await fetch(`${sandbox.url}${endpoint}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: SANDBOX_TOKEN, ...body }),
  });
  expect(res.status).toBe(200);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserting on raw courier JSON
  return (await res.json()) as Record<string, any>;
}

interface TrackReply {
  status: string;
  data: { shipment_status: string; tracking: Array<{ code: string; date_time: string }> };
}

const track = async (sandbox: Sequel247Sandbox, docket: string) =>
  (await courier(sandbox, '/api/track', { docket })) as TrackReply;

const booking = {
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
};

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'docket-sandbox-state-'));
  stateFile = path.join(dir, 'sequel247-sandbox.json');
  quiet.warn.mockReset();
});

afterEach(async () => {
  await Promise.allSettled(running.splice(0).map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('Sequel247 sandbox with a state file', () => {
  it('answers the same dockets with the same scans after a restart, and moves them on', async () => {
    const first = await start();
    const moving = (await first.control.createDocket({ destination: '400001' })).docket;
    const rto = (await first.control.createDocket({ scenario: 'return-to-origin' })).docket;
    const booked = (await courier(first.sandbox, '/api/shipment/create', booking)).data
      .docket_number as string;
    await first.control.advance(moving, 3);
    await first.control.advanceClock(30);
    const before = {
      moving: await track(first.sandbox, moving),
      rto: await track(first.sandbox, rto),
      booked: await track(first.sandbox, booked),
    };
    expect(before.moving.data.tracking.map((s) => s.code)).toEqual([
      'SLINREC',
      'SCHECKIN',
      'SPU',
      'SCREATED',
    ]);
    await stop(first.sandbox);

    const second = await start();
    expect(second.sandbox.url).not.toBe(first.sandbox.url);
    expect(await track(second.sandbox, moving)).toEqual(before.moving);
    expect(await track(second.sandbox, rto)).toEqual(before.rto);
    expect(await track(second.sandbox, booked)).toEqual(before.booked);
    expect((await second.control.request<{ nowIst: string }>('GET', '/clock')).nowIst).toBe(
      '2024-03-01 10:30:00',
    );

    await second.control.advance(moving, 1);
    const moved = await track(second.sandbox, moving);
    expect(moved.data.shipment_status).toBe('SLINORIN');
    expect(moved.data.tracking).toHaveLength(5);
    expect(moved.data.tracking.slice(1)).toEqual(before.moving.data.tracking);
    await second.control.advanceClock(30 * 24 * 60);
    expect((await track(second.sandbox, moving)).data.shipment_status).toBe('SDELVD');
    expect((await track(second.sandbox, rto)).data.shipment_status).toBe('SRTODLV');

    const fresh = (await second.control.bulk(20)).dockets;
    expect(fresh.filter((d) => [moving, rto, booked].includes(d))).toEqual([]);
    expect(quiet.warn).not.toHaveBeenCalled();
  });

  it('saves a control-API change within moments, without waiting for a stop', async () => {
    const { control } = await start();
    expect(existsSync(stateFile)).toBe(false);

    const { docket } = await control.createDocket({ scenario: 'stuck' });

    await vi.waitFor(
      () => {
        const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as {
          dockets: Array<{ docket: string }>;
        };
        expect(saved.dockets.map((d) => d.docket)).toEqual([docket]);
      },
      { timeout: 5_000, interval: 100 },
    );
  });

  it('starts empty, with a warning, on a state file it cannot read', async () => {
    const first = await start();
    await first.control.createDocket();
    await stop(first.sandbox);
    const text = readFileSync(stateFile, 'utf8').replace('"version":1', '"version":999');
    writeFileSync(stateFile, text);

    const second = await start();

    expect((await second.control.request<{ total: number }>('GET', '/dockets')).total).toBe(0);
    expect(quiet.warn).toHaveBeenCalledWith(expect.stringMatching(/version 999/));
    expect(readFileSync(`${stateFile}.unreadable`, 'utf8')).toBe(text);
  });
});
