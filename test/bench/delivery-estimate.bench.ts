import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  chooseEstimate,
  deliveryWindow,
  DeliveryWindow,
  LANE_LEVELS,
  LaneHistory,
  laneKeys,
  pickHistory,
} from '../../src/delivery-estimates/transit-statistics.js';
import {
  DEFAULT_HISTORY_SIZE,
  DEFAULT_MIN_SAMPLES,
} from '../../src/delivery-estimates/delivery-estimates.config.js';
import { lookupPincode } from '../../src/dev/sequel247-sandbox/pincodes.js';
import { SandboxState } from '../../src/dev/sequel247-sandbox/sandbox-state.js';
import { seededRandom } from '../../src/dev/sequel247-sandbox/seeded-random.js';
import { laneKind, LaneKind } from '../../src/dev/sequel247-sandbox/transit-lanes.js';

/**
 * How good are delivery dates? Replays SHIPMENTS sandbox bookings from one store (Bangalore),
 * one every BOOKING_GAP_MINUTES, to destinations on lanes with different transit-time
 * distributions (the sandbox's lane model), 12 % of them with a failed first attempt. Each
 * parcel is estimated at the moment it is booked, the way the API would:
 *   (a) Docket: p50 of earlier deliveries on its narrowest lane with ≥ MIN_SAMPLES (the same
 *       functions the service uses, fed only deliveries completed before the booking; the
 *       courier's ETA stands in while no lane has enough history);
 *   (b) the courier's ETA as returned by the booking;
 *   (c) a constant "5 days after booking".
 * Also: how often the true delivery fell inside Docket's p10–p90 window (and by its p90), and,
 * for parcels still undelivered when the courier's ETA passed, Docket's re-estimate at that
 * moment against the passed ETA. In-process against SandboxState (no HTTP, no database): the
 * numbers measure the statistics, not I/O. Prints a table and writes
 * .cache/bench/delivery-estimate.json.
 */

const SEED = 2026;
const SHIPMENTS = 3_000;
const BOOKING_GAP_MINUTES = 20;
const MIN_SAMPLES = DEFAULT_MIN_SAMPLES;
const HISTORY_SIZE = DEFAULT_HISTORY_SIZE;
const FAILED_ATTEMPT_SHARE = 0.12;
const CONSTANT_DAYS = 5;
const ORIGIN = '560001';
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Destinations and their weights: most orders go to metros, a tail to remote pincodes. */
const DESTINATIONS: ReadonlyArray<[pincode: string, weight: number]> = [
  ['560034', 8],
  ['560068', 4],
  ['600001', 6],
  ['500001', 6],
  ['682001', 3],
  ['400001', 10],
  ['411001', 5],
  ['110001', 10],
  ['700001', 5],
  ['380001', 4],
  ['302001', 3],
  ['226001', 3],
  ['812001', 2],
  ['331001', 2],
  ['781001', 2],
  ['190001', 1],
];

interface Parcel {
  docket: string;
  destination: string;
  lane: LaneKind;
  bookedAt: number;
  courierEta: number;
  deliveredAt: number;
}

interface Delivery {
  keys: string[];
  deliveredAt: number;
  transitHours: number;
}

function pickDestination(u: number): string {
  const total = DESTINATIONS.reduce((sum, [, w]) => sum + w, 0);
  let left = u * total;
  for (const [pincode, weight] of DESTINATIONS) {
    left -= weight;
    if (left < 0) return pincode;
  }
  return DESTINATIONS[0][0];
}

function replaySandbox(): Parcel[] {
  const state = new SandboxState({
    seed: SEED,
    now: Date.parse('2026-01-05T03:30:00Z'),
    originPincode: ORIGIN,
  });
  const choose = seededRandom(SEED + 1);
  const booked: Array<Omit<Parcel, 'deliveredAt'>> = [];
  for (let i = 0; i < SHIPMENTS; i++) {
    const destination = pickDestination(choose());
    const scenario = choose() < FAILED_ATTEMPT_SHARE ? 'failed-attempt' : 'delivered';
    const record = state.createDocket({ destination, scenario });
    booked.push({
      docket: record.docket,
      destination,
      lane: laneKind(lookupPincode(ORIGIN)!, lookupPincode(destination)!),
      bookedAt: record.createdAt,
      courierEta: record.eta!,
    });
    state.advanceClock(BOOKING_GAP_MINUTES);
  }
  state.advanceClock(60 * 24 * 60);
  return booked.map((parcel) => {
    const delivered = state.requireDocket(parcel.docket).scans.find((s) => s.code === 'SDELVD');
    if (!delivered) throw new Error(`docket ${parcel.docket} was never delivered`);
    return { ...parcel, deliveredAt: delivered.at };
  });
}

/** Lane history as the service would read it at `now`: deliveries completed by then, newest HISTORY_SIZE. */
class HistoryAsOf {
  private readonly deliveries: Delivery[];
  private next = 0;
  private readonly byLane = new Map<string, number[]>();

  constructor(parcels: Parcel[]) {
    this.deliveries = parcels
      .map((p) => {
        const keys = laneKeys(ORIGIN, p.destination);
        return {
          keys: LANE_LEVELS.map((level) => `${level}:${keys[level]}`),
          deliveredAt: p.deliveredAt,
          transitHours: (p.deliveredAt - p.bookedAt) / HOUR_MS,
        };
      })
      .sort((a, b) => a.deliveredAt - b.deliveredAt);
  }

  /** Call with non-decreasing `now`. */
  at(now: number, destination: string): LaneHistory[] {
    while (this.next < this.deliveries.length && this.deliveries[this.next].deliveredAt <= now) {
      const d = this.deliveries[this.next++];
      for (const key of d.keys) {
        const list = this.byLane.get(key) ?? [];
        list.push(d.transitHours);
        if (list.length > HISTORY_SIZE) list.shift();
        this.byLane.set(key, list);
      }
    }
    const keys = laneKeys(ORIGIN, destination);
    return LANE_LEVELS.map((level) => ({
      level,
      lane: keys[level],
      transitHours: this.byLane.get(`${level}:${keys[level]}`) ?? [],
    }));
  }
}

interface Score {
  errors: number[];
  inWindow: number;
  byP90: number;
  windows: number;
}

const newScore = (): Score => ({ errors: [], inWindow: 0, byP90: 0, windows: 0 });
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const days = (ms: number) => Math.abs(ms) / DAY_MS;
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

function scoreWindow(score: Score, window: DeliveryWindow, deliveredAt: number): void {
  score.windows++;
  if (deliveredAt >= window.earliest.getTime() && deliveredAt <= window.latest.getTime()) {
    score.inWindow++;
  }
  if (deliveredAt <= window.latest.getTime()) score.byP90++;
}

describe('delivery estimate accuracy', () => {
  it(`replays ${SHIPMENTS} sandbox deliveries; Docket's estimate beats a constant ${CONSTANT_DAYS} days`, () => {
    const started = Date.now();
    const parcels = replaySandbox();
    const history = new HistoryAsOf(parcels);
    const docket = newScore();
    const courier: number[] = [];
    const constant: number[] = [];
    const shown: number[] = [];
    const perLane = new Map<LaneKind, { docket: Score; courier: number[]; constant: number[] }>();
    let coldStart = 0;

    for (const p of [...parcels].sort((a, b) => a.bookedAt - b.bookedAt)) {
      const lane = perLane.get(p.lane) ?? { docket: newScore(), courier: [], constant: [] };
      perLane.set(p.lane, lane);
      const chosen = pickHistory(history.at(p.bookedAt, p.destination), MIN_SAMPLES);
      const bookedAt = new Date(p.bookedAt);
      const window = chosen ? deliveryWindow(chosen.transitHours, bookedAt, bookedAt) : null;
      const docketEstimate = window ? window.likely.getTime() : p.courierEta;
      if (!window) coldStart++;
      docket.errors.push(days(docketEstimate - p.deliveredAt));
      lane.docket.errors.push(days(docketEstimate - p.deliveredAt));
      if (window) {
        scoreWindow(docket, window, p.deliveredAt);
        scoreWindow(lane.docket, window, p.deliveredAt);
      }
      courier.push(days(p.courierEta - p.deliveredAt));
      lane.courier.push(days(p.courierEta - p.deliveredAt));
      const constantEstimate = p.bookedAt + CONSTANT_DAYS * DAY_MS;
      constant.push(days(constantEstimate - p.deliveredAt));
      lane.constant.push(days(constantEstimate - p.deliveredAt));
      const asShown = chooseEstimate(new Date(p.courierEta), window, bookedAt).estimatedDelivery!;
      shown.push(days(asShown.getTime() - p.deliveredAt));
    }

    // Parcels the courier's ETA let down: re-estimated the moment the ETA passed.
    const late = parcels.filter((p) => p.deliveredAt > p.courierEta);
    const lateHistory = new HistoryAsOf(parcels);
    const lateDocket: number[] = [];
    const lateCourier: number[] = [];
    for (const p of [...late].sort((a, b) => a.courierEta - b.courierEta)) {
      const chosen = pickHistory(lateHistory.at(p.courierEta, p.destination), MIN_SAMPLES);
      const now = new Date(p.courierEta);
      const answer = chooseEstimate(
        new Date(p.courierEta),
        chosen ? deliveryWindow(chosen.transitHours, new Date(p.bookedAt), now) : null,
        now,
      );
      lateDocket.push(days(answer.estimatedDelivery!.getTime() - p.deliveredAt));
      lateCourier.push(days(p.courierEta - p.deliveredAt));
    }

    const rows = [
      {
        lane: 'all',
        parcels: parcels.length,
        docketMaeDays: round(mean(docket.errors)),
        courierMaeDays: round(mean(courier)),
        constant5dMaeDays: round(mean(constant)),
        windowCoverage: round(docket.inWindow / docket.windows, 3),
        deliveredByP90: round(docket.byP90 / docket.windows, 3),
      },
      ...[...perLane.entries()]
        .sort((a, b) => mean(a[1].courier) - mean(b[1].courier))
        .map(([kind, s]) => ({
          lane: kind,
          parcels: s.courier.length,
          docketMaeDays: round(mean(s.docket.errors)),
          courierMaeDays: round(mean(s.courier)),
          constant5dMaeDays: round(mean(s.constant)),
          windowCoverage: round(s.docket.inWindow / Math.max(1, s.docket.windows), 3),
          deliveredByP90: round(s.docket.byP90 / Math.max(1, s.docket.windows), 3),
        })),
    ];
    const summary = {
      seed: SEED,
      shipments: SHIPMENTS,
      minSamples: MIN_SAMPLES,
      historySize: HISTORY_SIZE,
      coldStartParcels: coldStart,
      estimateAsShownMaeDays: round(mean(shown)),
      lateParcels: late.length,
      lateDocketReestimateMaeDays: round(mean(lateDocket)),
      latePassedCourierEtaMaeDays: round(mean(lateCourier)),
      wallMs: Date.now() - started,
    };
    console.table(rows);
    console.log(summary);
    const dir = path.resolve('.cache/bench');
    mkdirSync(dir, { recursive: true });
    const out = path.join(dir, 'delivery-estimate.json');
    writeFileSync(out, JSON.stringify({ rows, summary }, null, 2));
    console.log(`wrote ${out}`);

    expect(parcels.length).toBeGreaterThanOrEqual(2_000);
    expect(mean(docket.errors)).toBeLessThan(mean(constant));
    // Cold start (lanes with fewer than MIN_SAMPLES deliveries yet) stays a small share.
    expect(docket.windows).toBeGreaterThan(parcels.length * 0.8);
  });
});
