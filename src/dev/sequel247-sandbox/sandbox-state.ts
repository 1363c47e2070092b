import { istDayAt, istHour, MINUTE_MS } from './ist-time.js';
import {
  lookupPincode,
  PincodeInfo,
  SAMPLE_DESTINATIONS,
  scanPlace,
  transitDays,
} from './pincodes.js';
import {
  CANCELLABLE_CODES,
  FINAL_CODES,
  isScenarioName,
  SCENARIO_NAMES,
  SCENARIO_SCRIPTS,
  ScenarioName,
  ScriptStep,
} from './scenarios.js';
import {
  parseSandboxSnapshot,
  SANDBOX_SNAPSHOT_VERSION,
  SandboxDocketSnapshot,
  SandboxSnapshot,
} from './sandbox-snapshot.js';
import { randomInt, SeededRandom, seededRandom } from './seeded-random.js';
import { laneTransit, linehaulMinutes } from './transit-lanes.js';

/** A control-API mistake; `status` is the HTTP status the control API answers with. */
export class SandboxInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'SandboxInputError';
  }
}

export interface SandboxScan {
  code: string;
  description: string;
  location: string | null;
  /** UTC epoch ms. */
  at: number;
}

export interface SandboxShipmentDetails {
  consigneeName: string | null;
  consigneePhone: string | null;
  netWeight: string | null;
  netValue: string | null;
  codValue: string | null;
  packages: string | null;
  remark: string | null;
}

export interface SandboxDocket {
  docket: string;
  scenario: ScenarioName;
  origin: PincodeInfo;
  destination: PincodeInfo;
  brn: string;
  createdAt: number;
  script: readonly ScriptStep[];
  /** Minutes before each script step (drawn at creation, so the seed fixes the whole story). */
  gaps: number[];
  /** Script steps already played. */
  played: number;
  /** When the next script step is due (epoch ms), or null when the script is over. */
  nextDueAt: number | null;
  /** In the order they were recorded (control-API scans may carry older times). */
  scans: SandboxScan[];
  /** Set by the control API; otherwise the current status is the last recorded scan's code. */
  statusOverride: string | null;
  eta: number | null;
  details: SandboxShipmentDetails;
}

export type FaultType =
  'latency' | 'http5xx' | 'rate-limit' | 'malformed' | 'account-inactive' | 'drop';

export const FAULT_TYPES: readonly FaultType[] = [
  'latency',
  'http5xx',
  'rate-limit',
  'malformed',
  'account-inactive',
  'drop',
];

export type MalformedVariant = 'truncated' | 'html' | 'wrong-shape';

export interface Fault {
  id: number;
  type: FaultType;
  /** Only requests naming this docket; otherwise every API request. */
  docket: string | null;
  /** Only this endpoint path, e.g. `/api/track`; otherwise all. */
  endpoint: string | null;
  /** Requests left to affect; null = until cleared. */
  remaining: number | null;
  latencyMs: number;
  status: number;
  retryAfterSeconds: number;
  variant: MalformedVariant;
}

export interface FaultSpec {
  type: FaultType;
  docket?: string;
  endpoint?: string;
  count?: number;
  latencyMs?: number;
  status?: number;
  retryAfterSeconds?: number;
  variant?: MalformedVariant;
}

export interface SandboxStats {
  /** API requests received (control API excluded), including those a fault answered. */
  total: number;
  byEndpoint: Record<string, number>;
  /** Requests that named each docket (a trackMultiple of 50 counts once for each). */
  byDocket: Record<string, number>;
  faultsInjected: Partial<Record<FaultType, number>>;
}

export type TrackMultipleShape = 'map' | 'array';

export interface SandboxSettings {
  /** `map`: successShipments/errorShipments (default); `array`: `data: [...]`. */
  trackMultipleShape: TrackMultipleShape;
  /** Scenario of shipments booked through `/api/shipment/create`. */
  defaultScenario: ScenarioName;
}

export interface SandboxStateOptions {
  seed?: number;
  /** Initial sandbox time (epoch ms); default: the real time at start. Ignored on restore. */
  now?: number;
  /**
   * Sandbox minutes per real minute; 0 (default) = the clock moves only when told. On restore,
   * the time the sandbox was stopped is counted at the snapshot's speed, then this one applies.
   */
  timeScale?: number;
  /** Where booked shipments leave from. */
  originPincode?: string;
}

export interface CreateDocketInput {
  docket?: string;
  scenario?: ScenarioName;
  origin?: string;
  destination?: string;
  details?: Partial<SandboxShipmentDetails>;
  /** The courier gives no ETA for this docket (as some real bookings come back). */
  withoutEta?: boolean;
}

const DEFAULT_SEED = 247;
const ETA_HOUR_IST = 20;
/** Bookings after this IST hour are picked up the next day. */
const SAME_DAY_CUTOFF_HOUR_IST = 14;

function emptyDetails(): SandboxShipmentDetails {
  return {
    consigneeName: null,
    consigneePhone: null,
    netWeight: null,
    netValue: null,
    codValue: null,
    packages: null,
    remark: null,
  };
}

function emptyStats(): SandboxStats {
  return { total: 0, byEndpoint: {}, byDocket: {}, faultsInjected: {} };
}

/**
 * Everything the sandbox knows, in memory, with no HTTP: dockets and their scan scripts, the
 * sandbox clock, injected faults, request counters. Scans are played lazily — a docket is
 * brought up to the clock whenever it is read — so moving the clock is O(1) and reading 10,000
 * dockets costs only their own scripts. Because lazy scans follow from the saved script alone,
 * a snapshot (toSnapshot/fromSnapshot) only has to be taken after a change (`revision`).
 */
export class SandboxState {
  private readonly currentSettings: SandboxSettings = {
    trackMultipleShape: 'map',
    defaultScenario: 'delivered',
  };
  private random: SeededRandom;
  private seed: number;
  private changes = 0;
  private readonly dockets = new Map<string, SandboxDocket>();
  private faults: Fault[] = [];
  private nextFaultId = 1;
  private counters = emptyStats();
  private baseNow: number;
  private realStart = Date.now();
  private offsetMs = 0;
  private timeScale: number;
  private readonly originPincode: string;

  constructor(private readonly options: SandboxStateOptions = {}) {
    this.seed = options.seed ?? DEFAULT_SEED;
    this.random = seededRandom(this.seed);
    this.baseNow = options.now ?? Date.now();
    this.timeScale = options.timeScale ?? 0;
    this.originPincode = options.originPincode ?? '560001';
  }

  // ---- snapshots ----

  /**
   * A sandbox restored from `toSnapshot()`'s output. A running clock carries on as if the
   * sandbox had never stopped (real time since `savedAt` × the snapshot's timeScale, scans
   * that fell due meanwhile are played); a frozen one comes back exactly. Faults and request
   * counts start empty. Throws SandboxSnapshotError when the snapshot cannot be read.
   */
  static fromSnapshot(raw: unknown, options: SandboxStateOptions = {}): SandboxState {
    const snapshot = parseSandboxSnapshot(raw);
    const state = new SandboxState(options);
    const realNow = Date.now();
    const stoppedFor = Math.max(0, realNow - snapshot.savedAt);
    state.seed = snapshot.seed;
    state.random = seededRandom(snapshot.randomState);
    state.baseNow = Math.floor(snapshot.clock.now + stoppedFor * snapshot.clock.timeScale);
    state.realStart = realNow;
    state.timeScale = snapshot.clock.timeScale;
    Object.assign(state.currentSettings, snapshot.settings);
    for (const saved of snapshot.dockets) state.dockets.set(saved.docket, restoreDocket(saved));
    const now = state.now();
    for (const docket of state.dockets.values()) state.catchUp(docket, now);
    if (options.timeScale !== undefined && options.timeScale !== snapshot.clock.timeScale) {
      state.setTimeScale(options.timeScale);
    }
    return state;
  }

  /** Plain JSON: dockets with their scripts' positions, the clock, the random sequence, settings. */
  toSnapshot(): SandboxSnapshot {
    const realNow = Date.now();
    return {
      version: SANDBOX_SNAPSHOT_VERSION,
      savedAt: realNow,
      clock: { now: this.clockAt(realNow), timeScale: this.timeScale },
      seed: this.seed,
      randomState: this.random.state,
      settings: { ...this.currentSettings },
      dockets: [...this.dockets.values()].map(docketSnapshot),
    };
  }

  /** Counts changes a snapshot must capture (dockets, scans, clock, settings; not faults or stats). */
  get revision(): number {
    return this.changes;
  }

  // ---- clock ----

  now(): number {
    return this.clockAt(Date.now());
  }

  private clockAt(realNow: number): number {
    const running = this.timeScale > 0 ? (realNow - this.realStart) * this.timeScale : 0;
    return Math.floor(this.baseNow + this.offsetMs + running);
  }

  /** Moves the sandbox clock; every docket whose script has scans due plays them. */
  advanceClock(minutes: number): { now: number; scansIssued: number } {
    if (!Number.isFinite(minutes) || minutes < 0) {
      throw new SandboxInputError('minutes must be a number ≥ 0');
    }
    this.offsetMs += minutes * MINUTE_MS;
    this.changes++;
    const now = this.now();
    let scansIssued = 0;
    for (const docket of this.dockets.values()) scansIssued += this.catchUp(docket, now);
    return { now, scansIssued };
  }

  setTimeScale(timeScale: number): void {
    if (!Number.isFinite(timeScale) || timeScale < 0) {
      throw new SandboxInputError('timeScale must be a number ≥ 0');
    }
    // Freeze the time run so far into the offset, then run at the new speed.
    this.offsetMs = this.now() - this.baseNow;
    this.realStart = Date.now();
    this.timeScale = timeScale;
    this.changes++;
  }

  get currentTimeScale(): number {
    return this.timeScale;
  }

  get currentSeed(): number {
    return this.seed;
  }

  // ---- settings ----

  get settings(): Readonly<SandboxSettings> {
    return this.currentSettings;
  }

  updateSettings(changes: Partial<SandboxSettings>): void {
    if (changes.defaultScenario !== undefined && !isScenarioName(changes.defaultScenario)) {
      throw new SandboxInputError(`defaultScenario must be one of ${SCENARIO_NAMES.join(', ')}`);
    }
    const settings = this.currentSettings;
    settings.trackMultipleShape = changes.trackMultipleShape ?? settings.trackMultipleShape;
    settings.defaultScenario = changes.defaultScenario ?? settings.defaultScenario;
    this.changes++;
  }

  // ---- dockets ----

  createDocket(input: CreateDocketInput = {}): SandboxDocket {
    const scenario = input.scenario ?? this.settings.defaultScenario;
    if (!isScenarioName(scenario)) {
      throw new SandboxInputError(`scenario must be one of ${SCENARIO_NAMES.join(', ')}`);
    }
    const origin = lookupPincode(input.origin ?? this.originPincode);
    if (!origin) throw new SandboxInputError(`origin ${String(input.origin)} is not serviceable`);
    const destinationPin =
      input.destination ??
      SAMPLE_DESTINATIONS[randomInt(this.random, 0, SAMPLE_DESTINATIONS.length - 1)];
    const destination = lookupPincode(destinationPin);
    if (!destination) {
      throw new SandboxInputError(`destination ${destinationPin} is not serviceable`);
    }
    let docket: string;
    if (input.docket !== undefined) {
      if (!/^\d{10}$/.test(input.docket)) throw new SandboxInputError('docket must be 10 digits');
      if (this.dockets.has(input.docket)) {
        throw new SandboxInputError(`docket ${input.docket} already exists`, 409);
      }
      docket = input.docket;
    } else {
      docket = this.newDocketNumber();
    }
    const script = SCENARIO_SCRIPTS[scenario];
    const lane = laneTransit(origin, destination);
    // One draw per step either way, so a seed replays the same dockets as before lanes existed.
    const gaps = script.map((step) =>
      step.linehaul
        ? linehaulMinutes(lane, this.random())
        : randomInt(this.random, ...step.gapMinutes),
    );
    const createdAt = this.now();
    const pickupDelay = istHour(createdAt) >= SAME_DAY_CUTOFF_HOUR_IST ? 1 : 0;
    const record: SandboxDocket = {
      docket,
      scenario,
      origin,
      destination,
      brn: `BRN${randomInt(this.random, 1_000_000, 9_999_999)}`,
      createdAt,
      script,
      gaps,
      played: 0,
      nextDueAt: script.length > 0 ? createdAt : null,
      scans: [],
      statusOverride: null,
      eta: input.withoutEta
        ? null
        : istDayAt(createdAt, transitDays(origin, destination) + pickupDelay, ETA_HOUR_IST),
      details: { ...emptyDetails(), ...input.details },
    };
    this.dockets.set(docket, record);
    this.changes++;
    this.catchUp(record, createdAt);
    return record;
  }

  createMany(count: number, scenario?: ScenarioName): string[] {
    if (!Number.isInteger(count) || count < 1 || count > 100_000) {
      throw new SandboxInputError('count must be an integer from 1 to 100000');
    }
    const created: string[] = [];
    for (let i = 0; i < count; i++) created.push(this.createDocket({ scenario }).docket);
    return created;
  }

  /** The docket brought up to the sandbox clock, or undefined. */
  getDocket(docket: string): SandboxDocket | undefined {
    const record = this.dockets.get(docket);
    if (record) this.catchUp(record, this.now());
    return record;
  }

  requireDocket(docket: string): SandboxDocket {
    const record = this.getDocket(docket);
    if (!record) throw new SandboxInputError(`docket ${docket} does not exist`, 404);
    return record;
  }

  listDockets(limit = 1000): SandboxDocket[] {
    return [...this.dockets.keys()].slice(0, limit).map((d) => this.requireDocket(d));
  }

  get docketCount(): number {
    return this.dockets.size;
  }

  currentCode(record: SandboxDocket): string {
    return record.statusOverride ?? record.scans.at(-1)?.code ?? 'SCREATED';
  }

  /** Plays the next `steps` scans now, ahead of their schedule. */
  advanceDocket(docket: string, steps = 1): SandboxDocket {
    if (!Number.isInteger(steps) || steps < 1) throw new SandboxInputError('steps must be ≥ 1');
    const record = this.requireDocket(docket);
    this.changes++;
    for (let i = 0; i < steps && record.played < record.script.length; i++) {
      const lastAt = record.scans.at(-1)?.at ?? record.createdAt;
      this.play(record, Math.max(this.now(), lastAt + MINUTE_MS));
    }
    return record;
  }

  /** Records a scan as given (any code, any time), for duplicate/out-of-order/unknown-code tests. */
  addScan(
    docket: string,
    scan: { code: string; description?: string; location?: string | null; at?: number },
    setStatus = true,
  ): SandboxDocket {
    const record = this.requireDocket(docket);
    const before = this.currentCode(record);
    record.scans.push({
      code: scan.code,
      description: scan.description ?? `Sandbox scan ${scan.code}`,
      location: scan.location === undefined ? null : scan.location,
      at: scan.at ?? this.now(),
    });
    record.statusOverride = setStatus ? null : before;
    this.changes++;
    return record;
  }

  setStatus(docket: string, code: string): SandboxDocket {
    const record = this.requireDocket(docket);
    record.statusOverride = code;
    this.changes++;
    return record;
  }

  /** The courier's cancel: only before the parcel is with a delivery agent. */
  cancel(docket: string): 'cancelled' | 'already-cancelled' | 'not-cancellable' | 'not-found' {
    const record = this.getDocket(docket);
    if (!record) return 'not-found';
    const code = this.currentCode(record);
    if (code === 'SCANCELLED') return 'already-cancelled';
    if (!CANCELLABLE_CODES.has(code)) return 'not-cancellable';
    const lastAt = record.scans.at(-1)?.at ?? record.createdAt;
    record.scans.push({
      code: 'SCANCELLED',
      description: 'Shipment Cancelled by Shipper',
      location: scanPlace(record.origin),
      at: Math.max(this.now(), lastAt + MINUTE_MS),
    });
    record.statusOverride = null;
    record.played = record.script.length;
    record.nextDueAt = null;
    record.eta = null;
    this.changes++;
    return 'cancelled';
  }

  isDelivered(record: SandboxDocket): boolean {
    return record.scans.some((s) => s.code === 'SDELVD');
  }

  private newDocketNumber(): string {
    for (;;) {
      const docket = String(Math.floor(this.random() * 1e10)).padStart(10, '0');
      if (!this.dockets.has(docket)) return docket;
    }
  }

  /** Plays every scan due by `now`; returns how many. */
  private catchUp(record: SandboxDocket, now: number): number {
    let played = 0;
    while (record.nextDueAt !== null && record.nextDueAt <= now) {
      this.play(record, record.nextDueAt);
      played++;
    }
    return played;
  }

  private play(record: SandboxDocket, at: number): void {
    const step = record.script[record.played];
    if (!step) return;
    record.scans.push({
      code: step.code,
      description: step.description,
      location:
        step.place === 'origin'
          ? scanPlace(record.origin)
          : step.place === 'destination'
            ? scanPlace(record.destination)
            : null,
      at,
    });
    record.statusOverride = null;
    record.played += 1;
    if (step.etaShiftDays !== undefined && record.eta !== null) {
      record.eta = istDayAt(Math.max(record.eta, at), step.etaShiftDays, ETA_HOUR_IST);
    }
    if (step.code === 'SCANCELLED') record.eta = null;
    const over = record.played >= record.script.length || FINAL_CODES.has(step.code);
    record.nextDueAt = over ? null : at + record.gaps[record.played] * MINUTE_MS;
  }

  // ---- faults ----

  addFault(spec: FaultSpec): Fault {
    if (!(FAULT_TYPES as readonly string[]).includes(spec.type)) {
      throw new SandboxInputError(`type must be one of ${FAULT_TYPES.join(', ')}`);
    }
    if (spec.count !== undefined && (!Number.isInteger(spec.count) || spec.count < 1)) {
      throw new SandboxInputError('count must be an integer ≥ 1 (omit it for "until cleared")');
    }
    const status = spec.status ?? 503;
    if (spec.type === 'http5xx' && (status < 500 || status > 599)) {
      throw new SandboxInputError('status must be 500–599');
    }
    const fault: Fault = {
      id: this.nextFaultId++,
      type: spec.type,
      docket: spec.docket ?? null,
      endpoint: spec.endpoint ?? null,
      remaining: spec.count ?? null,
      latencyMs: Math.max(0, spec.latencyMs ?? 1000),
      status,
      retryAfterSeconds: Math.max(0, spec.retryAfterSeconds ?? 1),
      variant: spec.variant ?? 'truncated',
    };
    this.faults.push(fault);
    return fault;
  }

  listFaults(): Fault[] {
    return [...this.faults];
  }

  clearFaults(id?: number): void {
    this.faults = id === undefined ? [] : this.faults.filter((f) => f.id !== id);
  }

  /**
   * The faults one API request meets: the longest matching latency, and the first matching
   * other fault (one naming the request's docket beats a global one). Each use counts down.
   */
  takeFaults(
    endpoint: string,
    dockets: readonly string[],
  ): { latencyMs: number; fault: Fault | null } {
    let latencyMs = 0;
    let chosen: Fault | null = null;
    const named = dockets.length > 8 ? new Set(dockets) : null;
    const mentions = (docket: string) => (named ? named.has(docket) : dockets.includes(docket));
    for (const fault of this.faults) {
      if (fault.endpoint !== null && fault.endpoint !== endpoint) continue;
      if (fault.docket !== null && !mentions(fault.docket)) continue;
      if (fault.type === 'latency') {
        latencyMs = Math.max(latencyMs, fault.latencyMs);
        this.consume(fault);
      } else if (chosen === null || (chosen.docket === null && fault.docket !== null)) {
        chosen = fault;
      }
    }
    if (chosen) this.consume(chosen);
    this.faults = this.faults.filter((f) => f.remaining !== 0);
    return { latencyMs, fault: chosen };
  }

  private consume(fault: Fault): void {
    if (fault.remaining !== null) fault.remaining -= 1;
    this.counters.faultsInjected[fault.type] = (this.counters.faultsInjected[fault.type] ?? 0) + 1;
  }

  // ---- stats ----

  recordRequest(endpoint: string, dockets: readonly string[]): void {
    const c = this.counters;
    c.total += 1;
    c.byEndpoint[endpoint] = (c.byEndpoint[endpoint] ?? 0) + 1;
    for (const docket of dockets) c.byDocket[docket] = (c.byDocket[docket] ?? 0) + 1;
  }

  stats(): SandboxStats {
    return structuredClone(this.counters);
  }

  resetStats(): void {
    this.counters = emptyStats();
  }

  /** Back to an empty sandbox: no dockets, faults or counts; clock and random sequence restarted. */
  reset(seed?: number): void {
    this.seed = seed ?? this.options.seed ?? DEFAULT_SEED;
    this.random = seededRandom(this.seed);
    this.dockets.clear();
    this.faults = [];
    this.nextFaultId = 1;
    this.counters = emptyStats();
    this.baseNow = this.options.now ?? Date.now();
    this.realStart = Date.now();
    this.offsetMs = 0;
    this.currentSettings.trackMultipleShape = 'map';
    this.currentSettings.defaultScenario = 'delivered';
    this.changes++;
  }
}

function docketSnapshot(record: SandboxDocket): SandboxDocketSnapshot {
  return {
    docket: record.docket,
    scenario: record.scenario,
    origin: record.origin.pincode,
    destination: record.destination.pincode,
    brn: record.brn,
    createdAt: record.createdAt,
    gaps: [...record.gaps],
    played: record.played,
    nextDueAt: record.nextDueAt,
    scans: record.scans.map((scan) => ({ ...scan })),
    statusOverride: record.statusOverride,
    eta: record.eta,
    details: { ...record.details },
  };
}

/** The script comes from the scenario; the snapshot's parser checked the pincodes and gaps fit. */
function restoreDocket(saved: SandboxDocketSnapshot): SandboxDocket {
  return {
    ...saved,
    origin: lookupPincode(saved.origin)!,
    destination: lookupPincode(saved.destination)!,
    script: SCENARIO_SCRIPTS[saved.scenario],
  };
}
