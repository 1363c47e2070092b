/**
 * Scan scripts the sandbox plays for each docket. Codes are Sequel247's; SUNDELV (failed
 * attempt) is the sandbox's stand-in for a code no public integration documents.
 */
export type ScenarioName =
  | 'delivered'
  | 'failed-attempt'
  | 'return-to-origin'
  | 'cancelled'
  | 'stuck'
  | 'exception'
  | 'manual';

export const SCENARIO_NAMES: readonly ScenarioName[] = [
  'delivered',
  'failed-attempt',
  'return-to-origin',
  'cancelled',
  'stuck',
  'exception',
  'manual',
];

export function isScenarioName(value: unknown): value is ScenarioName {
  return typeof value === 'string' && (SCENARIO_NAMES as readonly string[]).includes(value);
}

/** Where a scan happens: at the origin or destination city, or nowhere in particular (null). */
export type ScanPlace = 'origin' | 'destination' | 'none';

export interface ScriptStep {
  code: string;
  description: string;
  place: ScanPlace;
  /** Minutes after the previous scan, drawn uniformly from [min, max] at docket creation. */
  gapMinutes: readonly [number, number];
  /** The courier pushes its ETA by this many days when this scan happens (failed attempts). */
  etaShiftDays?: number;
  /** The hub-to-hub leg: its gap comes from the lane's distribution (transit-lanes.ts), not `gapMinutes`. */
  linehaul?: true;
}

const CREATED: ScriptStep = {
  code: 'SCREATED',
  description: 'Shipment is Created',
  place: 'origin',
  gapMinutes: [0, 0],
};
const FIRST_MILE: readonly ScriptStep[] = [
  { code: 'SPU', description: 'Shipment Picked Up', place: 'origin', gapMinutes: [120, 360] },
  { code: 'SCHECKIN', description: 'Shipment Checked In', place: 'origin', gapMinutes: [30, 120] },
  {
    code: 'SLINREC',
    description: 'Shipment Received at Origin Hub',
    place: 'origin',
    gapMinutes: [60, 180],
  },
  {
    code: 'SLINORIN',
    description: 'Shipment Departed from Origin Hub',
    place: 'origin',
    gapMinutes: [60, 240],
  },
];
const ARRIVED: ScriptStep = {
  code: 'SLINDEST',
  description: 'Shipment Arrived at Destination Hub',
  place: 'destination',
  gapMinutes: [720, 1800],
  linehaul: true,
};
const OUT_FOR_DELIVERY: ScriptStep = {
  code: 'SDELASN',
  description: 'Shipment Out for Delivery',
  // Assigned to an agent: the courier sends no location for this scan.
  place: 'none',
  gapMinutes: [360, 720],
};
const NEXT_DAY_OUT_FOR_DELIVERY: ScriptStep = { ...OUT_FOR_DELIVERY, gapMinutes: [900, 1080] };
const DELIVERED: ScriptStep = {
  code: 'SDELVD',
  description: 'Shipment Delivered',
  place: 'destination',
  gapMinutes: [60, 300],
};
const FAILED_ATTEMPT: ScriptStep = {
  code: 'SUNDELV',
  description: 'Delivery Attempted - Consignee Not Available',
  place: 'destination',
  gapMinutes: [60, 300],
  etaShiftDays: 1,
};

export const SCENARIO_SCRIPTS: Readonly<Record<ScenarioName, readonly ScriptStep[]>> = {
  delivered: [CREATED, ...FIRST_MILE, ARRIVED, OUT_FOR_DELIVERY, DELIVERED],
  'failed-attempt': [
    CREATED,
    ...FIRST_MILE,
    ARRIVED,
    OUT_FOR_DELIVERY,
    FAILED_ATTEMPT,
    NEXT_DAY_OUT_FOR_DELIVERY,
    DELIVERED,
  ],
  'return-to-origin': [
    CREATED,
    ...FIRST_MILE,
    ARRIVED,
    OUT_FOR_DELIVERY,
    FAILED_ATTEMPT,
    NEXT_DAY_OUT_FOR_DELIVERY,
    { ...FAILED_ATTEMPT, description: 'Delivery Attempted - Consignee Refused' },
    {
      code: 'SRTOPKP',
      description: 'Return to Origin Initiated',
      place: 'destination',
      gapMinutes: [240, 600],
    },
    {
      code: 'SRTOPKP',
      description: 'Return Shipment Departed Destination Hub',
      place: 'destination',
      gapMinutes: [120, 360],
    },
    {
      code: 'SRTODLV',
      description: 'Shipment Returned to Shipper',
      place: 'origin',
      gapMinutes: [1440, 2880],
    },
  ],
  cancelled: [
    CREATED,
    {
      code: 'SCANCELLED',
      description: 'Shipment Cancelled by Shipper',
      place: 'origin',
      gapMinutes: [60, 240],
    },
  ],
  // Picked up and linehauled, then nothing: the shipment the stale-tracking alarm is for.
  stuck: [CREATED, ...FIRST_MILE],
  exception: [
    CREATED,
    ...FIRST_MILE,
    ARRIVED,
    {
      code: 'SINEXCP',
      description: 'Shipment Held - Address Incomplete',
      place: 'destination',
      gapMinutes: [120, 600],
      etaShiftDays: 1,
    },
    NEXT_DAY_OUT_FOR_DELIVERY,
    DELIVERED,
  ],
  // No script at all, not even SCREATED: a test adds every scan itself through the control API.
  manual: [],
};

/** Codes after which nothing more happens to a docket. */
export const FINAL_CODES: ReadonlySet<string> = new Set(['SDELVD', 'SCANCELLED', 'SRTODLV']);
/** Codes from which the shipper may still cancel (before it is with a delivery agent). */
export const CANCELLABLE_CODES: ReadonlySet<string> = new Set([
  'SCREATED',
  'SPU',
  'SCHECKIN',
  'SCHKINORIGN',
  'SLINREC',
  'SLINORIN',
  'SLINDEST',
  'SINEXCP',
]);
