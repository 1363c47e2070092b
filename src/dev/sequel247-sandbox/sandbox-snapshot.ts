import { lookupPincode } from './pincodes.js';
import type { SandboxScan, SandboxSettings, SandboxShipmentDetails } from './sandbox-state.js';
import { isScenarioName, SCENARIO_SCRIPTS, ScenarioName } from './scenarios.js';

/**
 * Bump when the snapshot's shape or meaning changes (a script's steps, a field): a sandbox
 * ignores a snapshot of another version rather than replay dockets it would misread.
 */
export const SANDBOX_SNAPSHOT_VERSION = 1;

/** One docket as saved: enough to continue its script exactly where it stopped. */
export interface SandboxDocketSnapshot {
  docket: string;
  scenario: ScenarioName;
  /** Pincodes; their city, hub and region are looked up again on restore. */
  origin: string;
  destination: string;
  brn: string;
  createdAt: number;
  gaps: number[];
  played: number;
  nextDueAt: number | null;
  scans: SandboxScan[];
  statusOverride: string | null;
  eta: number | null;
  details: SandboxShipmentDetails;
}

/** Everything a sandbox needs to carry on after a restart, as plain JSON (times in epoch ms). */
export interface SandboxSnapshot {
  version: typeof SANDBOX_SNAPSHOT_VERSION;
  /** Real time the snapshot was taken: a running sandbox clock catches up from here. */
  savedAt: number;
  clock: { now: number; timeScale: number };
  /** The seed the random sequence started from (the last reset's)… */
  seed: number;
  /** …and where that sequence is now, so new dockets never repeat old ones. */
  randomState: number;
  settings: SandboxSettings;
  dockets: SandboxDocketSnapshot[];
}

/** A snapshot this sandbox cannot read (corrupt, or written by another snapshot version). */
export class SandboxSnapshotError extends Error {
  constructor(reason: string) {
    super(`unreadable Sequel247 sandbox snapshot: ${reason}`);
    this.name = 'SandboxSnapshotError';
  }
}

type Json = Record<string, unknown>;

const DETAIL_KEYS: ReadonlyArray<keyof SandboxShipmentDetails> = [
  'consigneeName',
  'consigneePhone',
  'netWeight',
  'netValue',
  'codValue',
  'packages',
  'remark',
];

function fail(reason: string): never {
  throw new SandboxSnapshotError(reason);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const isTimeOrNull = (value: unknown) => value === null || isTime(value);
const isStringOrNull = (value: unknown) => value === null || typeof value === 'string';

function parseScan(value: unknown, where: string): SandboxScan {
  if (
    !isObject(value) ||
    typeof value.code !== 'string' ||
    typeof value.description !== 'string' ||
    !isStringOrNull(value.location) ||
    !isTime(value.at)
  ) {
    fail(`${where} has a malformed scan`);
  }
  return {
    code: value.code,
    description: value.description,
    location: value.location,
    at: value.at,
  };
}

function parseDocket(value: unknown, index: number): SandboxDocketSnapshot {
  const where = `dockets[${index}]`;
  if (!isObject(value)) fail(`${where} is not an object`);
  const { docket, scenario, origin, destination, gaps, played, details } = value;
  if (typeof docket !== 'string' || !/^\d{10}$/.test(docket)) fail(`${where}.docket is invalid`);
  if (!isScenarioName(scenario)) fail(`${where}.scenario is unknown`);
  if (typeof origin !== 'string' || !lookupPincode(origin)) fail(`${where}.origin is invalid`);
  if (typeof destination !== 'string' || !lookupPincode(destination)) {
    fail(`${where}.destination is invalid`);
  }
  const steps = SCENARIO_SCRIPTS[scenario].length;
  if (!Array.isArray(gaps) || gaps.length !== steps || !gaps.every(isTime)) {
    fail(`${where}.gaps do not fit the ${scenario} script`);
  }
  if (typeof played !== 'number' || !Number.isInteger(played) || played < 0 || played > steps) {
    fail(`${where}.played is out of range`);
  }
  if (typeof value.brn !== 'string' || !isTime(value.createdAt)) {
    fail(`${where} has no brn or createdAt`);
  }
  if (!isTimeOrNull(value.nextDueAt) || !isTimeOrNull(value.eta)) {
    fail(`${where}.nextDueAt or eta is not a time`);
  }
  if (!isStringOrNull(value.statusOverride)) fail(`${where}.statusOverride is not a string`);
  if (!Array.isArray(value.scans)) fail(`${where}.scans is not a list`);
  if (!isObject(details) || !DETAIL_KEYS.every((key) => isStringOrNull(details[key]))) {
    fail(`${where}.details is malformed`);
  }
  return {
    docket,
    scenario,
    origin,
    destination,
    brn: value.brn,
    createdAt: value.createdAt,
    gaps,
    played,
    nextDueAt: value.nextDueAt,
    scans: value.scans.map((scan) => parseScan(scan, where)),
    statusOverride: value.statusOverride,
    eta: value.eta,
    details: Object.fromEntries(
      DETAIL_KEYS.map((key) => [key, details[key] as string | null]),
    ) as unknown as SandboxShipmentDetails,
  };
}

/** Checks a parsed JSON value field by field; throws SandboxSnapshotError naming the first flaw. */
export function parseSandboxSnapshot(raw: unknown): SandboxSnapshot {
  if (!isObject(raw)) fail('not a JSON object');
  if (raw.version !== SANDBOX_SNAPSHOT_VERSION) {
    fail(`version ${JSON.stringify(raw.version)}, this sandbox reads ${SANDBOX_SNAPSHOT_VERSION}`);
  }
  const { clock, settings } = raw;
  if (!isTime(raw.savedAt)) fail('savedAt is not a time');
  if (!isObject(clock) || !isTime(clock.now)) fail('clock.now is not a time');
  if (!isTime(clock.timeScale) || clock.timeScale < 0) fail('clock.timeScale is not ≥ 0');
  if (!Number.isInteger(raw.seed) || !Number.isInteger(raw.randomState)) {
    fail('seed or randomState is not an integer');
  }
  if (
    !isObject(settings) ||
    (settings.trackMultipleShape !== 'map' && settings.trackMultipleShape !== 'array') ||
    !isScenarioName(settings.defaultScenario)
  ) {
    fail('settings are malformed');
  }
  if (!Array.isArray(raw.dockets)) fail('dockets is not a list');
  const dockets = raw.dockets.map(parseDocket);
  if (new Set(dockets.map((d) => d.docket)).size !== dockets.length) fail('duplicate dockets');
  return {
    version: SANDBOX_SNAPSHOT_VERSION,
    savedAt: raw.savedAt,
    clock: { now: clock.now, timeScale: clock.timeScale },
    seed: raw.seed as number,
    randomState: raw.randomState as number,
    settings: {
      trackMultipleShape: settings.trackMultipleShape,
      defaultScenario: settings.defaultScenario,
    },
    dockets,
  };
}
