import type {
  CreatedShipment,
  Serviceability,
  ShipmentTracking,
  TrackManyResult,
  TrackingScan,
} from './sequel247-client.interface.js';
import { Sequel247BadResponseError } from './sequel247.errors.js';
import { mapSequel247Code } from './sequel247-status.map.js';

/**
 * Pure functions turning Sequel247 payloads into Docket's domain values. Everything vendor-shaped
 * stops here: string booleans, IST wall-clock times in two formats, the misspelt
 * `estiimated_delivery`, null locations, numeric dockets that lost their leading zeros.
 * Unknown fields are ignored. Shapes we cannot read throw {@link Sequel247BadResponseError}.
 */

export type WarningSink = (message: string) => void;
const noWarnings: WarningSink = () => undefined;

type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The envelope's `status`: "true"/"false" as documented; true/false and 1/0 also seen. */
export function parseStatusFlag(value: unknown): boolean | null {
  if (value === true || value === 1) return true;
  if (value === false || value === 0) return false;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
  }
  return null;
}

/** Availability flags in serviceability data: booleans, 1/0, "true", "Yes"/"Y", "Available". */
export function parseFlag(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    return ['true', '1', 'yes', 'y', 'available', 'allowed'].includes(value.trim().toLowerCase());
  }
  return false;
}

const IST_OFFSET_MS = (5 * 60 + 30) * 60_000;
const TIME = String.raw`(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([AaPp][Mm])?)?`;
/** `2017-02-27 12:26:00` — scan times. */
const YEAR_FIRST = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})${TIME}$`);
/** `14-06-2017 20:00` — ETAs. Slashes and dots tolerated. */
const DAY_FIRST = new RegExp(String.raw`^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})${TIME}$`);
const EXPLICIT_ZONE = /T.*(?:Z|[+-]\d{2}:?\d{2})$/i;

/** Hour (IST) given to a date that comes without a time, as the courier's own ETAs use. */
export const DATE_ONLY_ETA_HOUR_IST = 20;

/**
 * An India-time wall-clock string (no zone, as Sequel247 sends them) → UTC `Date`.
 * Accepts `YYYY-MM-DD HH:MM[:SS]` and `DD-MM-YYYY HH:MM[:SS]`, a date alone (at `dateOnlyHour`
 * IST), an optional AM/PM, and ISO strings with an explicit zone. Anything else → null.
 */
export function parseIstDateTime(value: unknown, dateOnlyHour = 0): Date | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '') return null;
  if (isPlainScanTime(text)) {
    // The scan format, read without a regex: a sync parses it hundreds of thousands of times.
    return istToUtc(
      digits(text, 0, 4),
      digits(text, 5, 2),
      digits(text, 8, 2),
      digits(text, 11, 2),
      digits(text, 14, 2),
      digits(text, 17, 2),
    );
  }
  if (EXPLICIT_ZONE.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : new Date(ms);
  }
  let year: number, month: number, day: number, time: Array<string | undefined>;
  const yearFirst = YEAR_FIRST.exec(text);
  if (yearFirst) {
    [year, month, day] = [Number(yearFirst[1]), Number(yearFirst[2]), Number(yearFirst[3])];
    time = yearFirst.slice(4);
  } else {
    const dayFirst = DAY_FIRST.exec(text);
    if (!dayFirst) return null;
    [day, month, year] = [Number(dayFirst[1]), Number(dayFirst[2]), Number(dayFirst[3])];
    time = dayFirst.slice(4);
  }
  const [h, m, s, meridiem] = time;
  let hour = h === undefined ? dateOnlyHour : Number(h);
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return null;
    const pm = meridiem.toLowerCase() === 'pm';
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  return istToUtc(
    year,
    month,
    day,
    hour,
    m === undefined ? 0 : Number(m),
    s === undefined ? 0 : Number(s),
  );
}

/** `YYYY-MM-DD HH:MM:SS` exactly. */
function isPlainScanTime(text: string): boolean {
  return (
    text.length === 19 &&
    text[4] === '-' &&
    text[7] === '-' &&
    text[10] === ' ' &&
    text[13] === ':' &&
    text[16] === ':'
  );
}

/** The decimal number in `text[from, from+count)`, or -1 when a character is not a digit. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function istToUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): Date | null {
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return null;
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  const wallClock = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31-02 over into March; a date that moved was not a real date.
  if (new Date(wallClock).getUTCDate() !== day) return null;
  return new Date(wallClock - IST_OFFSET_MS);
}

/** An ETA: as {@link parseIstDateTime}, a bare date meaning the end of that delivery day. */
export function parseIstEta(value: unknown): Date | null {
  return parseIstDateTime(value, DATE_ONLY_ETA_HOUR_IST);
}

/** A docket as a 10-digit string: numbers that lost their leading zeros are padded back. */
export function normaliseDocket(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    return String(value).padStart(10, '0');
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (/^\d{1,10}$/.test(text)) return text.padStart(10, '0');
    return text === '' ? null : text;
  }
  return null;
}

function optionalText(value: unknown): string | null {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '' || /^(null|undefined|n\/?a|-)$/i.test(text)) return null;
  return text;
}

/** The first present key among `names`, compared case-insensitively. */
function pick(source: JsonObject, ...names: string[]): unknown {
  for (const name of names) {
    if (Object.hasOwn(source, name)) return source[name];
  }
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  for (const [key, value] of Object.entries(source)) {
    if (wanted.has(key.toLowerCase())) return value;
  }
  return undefined;
}

function parseScan(raw: unknown, docket: string, warn: WarningSink): TrackingScan | null {
  if (!isJsonObject(raw)) {
    warn(`docket ${docket}: ignored a tracking entry that is not an object`);
    return null;
  }
  const code = optionalText(raw.code);
  if (code === null) {
    warn(`docket ${docket}: ignored a scan without a code`);
    return null;
  }
  const occurredAt = parseIstDateTime(raw.date_time);
  if (occurredAt === null) {
    warn(
      `docket ${docket}: ignored scan ${code} with unreadable date_time ${String(raw.date_time)}`,
    );
    return null;
  }
  return {
    code,
    status: mapSequel247Code(code),
    description: optionalText(raw.description) ?? '',
    location: optionalText(raw.location),
    occurredAt,
  };
}

/**
 * One shipment as `track` returns it under `data` (and `trackMultiple` per docket).
 * `fallbackDocket` names it when the payload does not (e.g. the map key of `successShipments`).
 */
export function parseShipmentTracking(
  raw: unknown,
  options: { fallbackDocket?: string; warn?: WarningSink } = {},
): ShipmentTracking {
  const warn = options.warn ?? noWarnings;
  if (!isJsonObject(raw)) throw new Sequel247BadResponseError('Tracking data is not an object');
  const docketNumber =
    normaliseDocket(pick(raw, 'docket_no', 'docket_number', 'docketNo', 'docket')) ??
    options.fallbackDocket ??
    null;
  if (docketNumber === null) throw new Sequel247BadResponseError('Tracking data has no docket_no');

  const rawScans = raw.tracking ?? [];
  if (!Array.isArray(rawScans)) {
    throw new Sequel247BadResponseError(`Tracking of docket ${docketNumber} is not an array`);
  }
  const scans = rawScans
    .map((entry) => parseScan(entry, docketNumber, warn))
    .filter((scan): scan is TrackingScan => scan !== null);

  let rawStatusCode = optionalText(raw.shipment_status);
  if (rawStatusCode === null && scans.length > 0) {
    // No current status: the latest scan is the best evidence of where the parcel is.
    rawStatusCode = scans.reduce((a, b) => (b.occurredAt > a.occurredAt ? b : a)).code;
    warn(`docket ${docketNumber}: no shipment_status, using the latest scan ${rawStatusCode}`);
  }
  if (rawStatusCode === null) {
    throw new Sequel247BadResponseError(
      `Tracking of docket ${docketNumber} has neither shipment_status nor scans`,
    );
  }
  return {
    docketNumber,
    rawStatusCode,
    status: mapSequel247Code(rawStatusCode),
    estimatedDelivery: parseIstEta(pick(raw, 'estimated_delivery', 'estiimated_delivery')),
    scans,
  };
}

function notFoundReason(value: unknown): string {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (isJsonObject(value)) {
    const text = Object.values(value).find((v) => typeof v === 'string' && v.trim() !== '');
    if (typeof text === 'string') return text.trim();
  }
  return 'No tracking information found';
}

/**
 * A `trackMultiple` body in either shape seen in integrations:
 * `{successShipments: {docket: data}, errorShipments: {docket: {docketNo: reason}}}` (also
 * nested under `data`), or `{data: [data, …]}`. Only requested dockets are reported; a requested
 * docket the courier left out of an array answer goes to `notFound`. An entry we cannot read is
 * dropped with a warning (no news for that docket) rather than failing the other 49.
 */
export function parseTrackMultiple(
  body: JsonObject,
  requested: readonly string[],
  warn: WarningSink = noWarnings,
): TrackManyResult {
  const wanted = new Set(requested);
  const found = new Map<string, ShipmentTracking>();
  const notFound = new Map<string, string>();
  const topLevel = body.successShipments !== undefined || body.errorShipments !== undefined;
  const container = !topLevel && isJsonObject(body.data) ? body.data : body;
  const success = container.successShipments;
  const errors = container.errorShipments;

  const addFound = (raw: unknown, key?: string) => {
    let tracking: ShipmentTracking;
    try {
      tracking = parseShipmentTracking(raw, { fallbackDocket: key, warn });
    } catch (error) {
      if (!(error instanceof Sequel247BadResponseError)) throw error;
      warn(
        `trackMultiple: dropped an unreadable entry${key ? ` for ${key}` : ''}: ${error.message}`,
      );
      return;
    }
    if (!wanted.has(tracking.docketNumber)) {
      warn(`trackMultiple: ignored docket ${tracking.docketNumber}, which was not requested`);
      return;
    }
    found.set(tracking.docketNumber, tracking);
  };
  const addNotFound = (docket: string | null, reason: string) => {
    if (docket !== null && wanted.has(docket) && !found.has(docket)) notFound.set(docket, reason);
  };

  if (success !== undefined || errors !== undefined) {
    if (isJsonObject(success)) {
      for (const [key, value] of Object.entries(success))
        addFound(value, normaliseDocket(key) ?? key);
    } else if (Array.isArray(success)) {
      for (const value of success) addFound(value);
    } else if (success !== undefined && success !== null && !isEmptyCollection(success)) {
      throw new Sequel247BadResponseError('trackMultiple successShipments is neither map nor list');
    }
    if (isJsonObject(errors)) {
      for (const [key, value] of Object.entries(errors)) {
        addNotFound(normaliseDocket(key), notFoundReason(value));
      }
    } else if (Array.isArray(errors)) {
      for (const value of errors) {
        const docket = isJsonObject(value)
          ? normaliseDocket(pick(value, 'docket', 'docket_no', 'docketNo', 'docket_number'))
          : normaliseDocket(value);
        addNotFound(docket, isJsonObject(value) ? notFoundReason(value.message ?? value) : '');
      }
    }
  } else if (Array.isArray(body.data)) {
    for (const value of body.data) addFound(value);
    for (const docket of requested) addNotFound(docket, 'Not in the courier response');
  } else if (isJsonObject(body.data)) {
    // A single shipment object where a list was expected: one docket requested.
    addFound(body.data);
    for (const docket of requested) addNotFound(docket, 'Not in the courier response');
  } else {
    throw new Sequel247BadResponseError(
      'trackMultiple response has neither successShipments/errorShipments nor a data list',
    );
  }
  return {
    found: [...found.values()],
    notFound: [...notFound].map(([docketNumber, reason]) => ({ docketNumber, reason })),
  };
}

function isEmptyCollection(value: unknown): boolean {
  return value === '' || (Array.isArray(value) && value.length === 0);
}

function firstObject(value: unknown): JsonObject | null {
  if (Array.isArray(value)) return isJsonObject(value[0]) ? value[0] : null;
  return isJsonObject(value) ? value : null;
}

export function parseServiceability(pincode: string, data: unknown): Serviceability {
  const source = firstObject(data);
  if (source === null) throw new Sequel247BadResponseError('Serviceability data is not an object');
  return {
    pincode,
    city: optionalText(pick(source, 'city')),
    state: optionalText(pick(source, 'state')),
    hub: optionalText(pick(source, 'hub')),
    pickupAvailable: parseFlag(pick(source, 'Pickup_Availability', 'pickup_available')),
    deliveryAvailable: parseFlag(pick(source, 'Delivery_Availability', 'delivery_available')),
    codAllowed: parseFlag(pick(source, 'is_ecom_cod_allowed', 'cod_allowed')),
    rtoAllowed: parseFlag(pick(source, 'is_ecom_rto_allowed', 'rto_allowed')),
  };
}

/** What we answer for a pincode the courier refused to serve. */
export function unserviceable(pincode: string): Serviceability {
  return {
    pincode,
    city: null,
    state: null,
    hub: null,
    pickupAvailable: false,
    deliveryAvailable: false,
    codAllowed: false,
    rtoAllowed: false,
  };
}

/** calculateEDD's `data` (shape unverified): a date string, or an object holding one. */
export function parseEstimatedDelivery(data: unknown): Date | null {
  if (typeof data === 'string') return parseIstEta(data);
  const source = firstObject(data);
  if (source === null) return null;
  return parseIstEta(
    pick(
      source,
      'EDD',
      'edd',
      'estimated_delivery',
      'estiimated_delivery',
      'estimated_delivery_date',
      'expected_delivery_date',
      'delivery_date',
    ),
  );
}

export function parseCreatedShipment(data: unknown): CreatedShipment {
  const source = firstObject(data);
  if (source === null) throw new Sequel247BadResponseError('Shipment data is not an object');
  const docketNumber = normaliseDocket(pick(source, 'docket_number', 'docket_no', 'docketNumber'));
  if (docketNumber === null) {
    throw new Sequel247BadResponseError('Created shipment has no docket_number');
  }
  return {
    docketNumber,
    brn: optionalText(source.brn),
    labelUrl: optionalText(pick(source, 'docket_print', 'docketPrint')),
    // Sequel247 spells it `estiimated_delivery` here (confirmed twice); accept the fixed spelling.
    estimatedDelivery: parseIstEta(pick(source, 'estiimated_delivery', 'estimated_delivery')),
  };
}

/** podDownload: `link` under `data` (object or list) or at the top level; null when absent. */
export function parsePodLink(body: JsonObject): string | null {
  const data = body.data;
  if (typeof data === 'string') return optionalText(data);
  const source = firstObject(data);
  return (
    optionalText(source ? pick(source, 'link', 'pod_link', 'url') : undefined) ??
    optionalText(body.link)
  );
}

export interface Sequel247Failure {
  code: number | null;
  message: string;
  /** Field → message, flattened to strings. */
  errorInfo: Record<string, string>;
}

/** A `status: "false"` envelope, read tolerantly. */
export function describeFailure(body: JsonObject): Sequel247Failure {
  const code = Number(body.code);
  const errorInfo: Record<string, string> = {};
  const info = body.errorInfo ?? body.errors;
  if (isJsonObject(info)) {
    for (const [field, value] of Object.entries(info)) {
      errorInfo[field] = Array.isArray(value) ? value.map(String).join('; ') : String(value);
    }
  } else if (typeof info === 'string' && info.trim() !== '') {
    errorInfo.error = info.trim();
  }
  const message =
    optionalText(body.message) ?? Object.values(errorInfo)[0] ?? 'Sequel247 reported a failure';
  return { code: Number.isFinite(code) && body.code !== null ? code : null, message, errorInfo };
}

export type FailureKind = 'auth' | 'not_found' | 'rejected';

const AUTH_MESSAGE = /not active|inactive|invalid token|unauthori[sz]ed|authentication/i;
const NOT_FOUND_MESSAGE = /no tracking|not found|invalid docket|does not exist|no record|no data/i;

/**
 * Code 103 ("company status not active") is confirmed; the rest is read from the words, since
 * the courier's other failure codes are not documented.
 */
export function classifyFailure(failure: Sequel247Failure): FailureKind {
  const texts = [failure.message, ...Object.values(failure.errorInfo)];
  if (
    failure.code === 103 ||
    Object.hasOwn(failure.errorInfo, 'token') ||
    texts.some((t) => AUTH_MESSAGE.test(t))
  ) {
    return 'auth';
  }
  if (texts.some((t) => NOT_FOUND_MESSAGE.test(t))) return 'not_found';
  return 'rejected';
}

/**
 * A response body fit for a log line: the token (and any `"token": "…"` pair) redacted,
 * whitespace collapsed, cut at `max` characters.
 */
export function trimBodyForLog(body: string, token: string, max = 300): string {
  let text = body;
  if (token !== '') text = text.split(token).join('[redacted]');
  text = text
    .replace(/("token"\s*:\s*")[^"]*"/gi, '$1[redacted]"')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more chars)` : text;
}
